import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { reshapeInfo, runWasmKernel, Scratch, transposeInfo, wasmBackendOf, type KernelArgs } from './run-kernel.ts';

/**
 * Conv2DBackpropFilter for wasm, which ships without one, built on two XNNPACK kernels:
 * im2col as a depthwise conv with one-hot filters (patches[m, (c, fy, fx)]), then one plain
 * matmul dWt[co, (c, fy, fx)] = dy^T[co, m] x patches, and a small transpose to [fh, fw, ci, co].
 */
function conv2DBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const backend = wasmBackendOf(args);
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm supports NHWC only');
  const [fh, fw, ci, co] = filterShape;
  const taps = fh * fw;
  const scratch = new Scratch(backend);

  const oneHot = scratch.keep(oneHotTapFilter(backend, fh, fw, ci));
  const patches = scratch.keep(runWasmKernel(backend, 'DepthwiseConv2dNative', { x, filter: oneHot }, {
    strides, pad, dimRoundingMode, dilations: [1, 1], dataFormat: 'NHWC',
  }));
  const rows = patches.shape[0] * patches.shape[1] * patches.shape[2];
  const patches2d = scratch.keep(reshapeInfo(backend, patches, [1, rows, ci * taps]));
  const dy2d = scratch.keep(reshapeInfo(backend, dy, [1, rows, co]));
  // Transposing dy (rows x co) is cheaper than transposing the patches (rows x ci*taps).
  const dyT = scratch.keep(transposeInfo(backend, dy2d, [0, 2, 1]));
  const dwT = scratch.keep(runWasmKernel(backend, 'BatchMatMul', { a: dyT, b: patches2d }, {
    transposeA: false, transposeB: false,
  }));
  const dwT4 = scratch.keep(reshapeInfo(backend, dwT, [co, ci, fh, fw]));
  const dw = transposeInfo(backend, dwT4, [2, 3, 1, 0]);
  scratch.releaseAll();
  return dw;
}

/** Depthwise filter [fh, fw, ci, fh*fw] whose output channel (c, k) copies input channel c at tap k. */
function oneHotTapFilter(backend: BackendWasm, fh: number, fw: number, ci: number): tf.TensorInfo {
  const taps = fh * fw;
  const values = new Float32Array(taps * ci * taps);
  for (let k = 0; k < taps; k++) {
    for (let c = 0; c < ci; c++) values[(k * ci + c) * taps + k] = 1;
  }
  return backend.makeOutput([fh, fw, ci, taps], 'float32', undefined, values);
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as tf.KernelFunc,
};
