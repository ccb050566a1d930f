import * as tf from '@tensorflow/tfjs';
import { release, reshapeInfo, runWasmKernel } from './run-kernel.ts';

/**
 * Conv2DBackpropFilter for wasm, which ships without one, as im2col plus one plain matmul
 * (the wasm backend's fast path): dW[fh*fw*ci, co] = patchesT[fh*fw*ci, n*oh*ow] x dy[n*oh*ow, co].
 * patchesT is built channel-major so no large transpose (a slow matmul flag) is needed.
 */
function conv2DBackpropFilter(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const backend = args.backend as tf.KernelBackend;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm supports NHWC only');
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode,
  );
  const { batchSize, inChannels, outChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, padInfo } = info;

  const temporaries: tf.TensorInfo[] = [];
  const keep = (t: tf.TensorInfo): tf.TensorInfo => (temporaries.push(t), t);

  const padded =
    padInfo.top + padInfo.bottom + padInfo.left + padInfo.right === 0
      ? x
      : keep(runWasmKernel(backend, 'PadV2', { x }, {
          paddings: [[0, 0], [padInfo.top, padInfo.bottom], [padInfo.left, padInfo.right], [0, 0]],
          constantValue: 0,
        }));
  // [ci, n, hp, wp]: each filter tap then slices out one [ci, n*oh*ow] block of patchesT.
  const channelMajor = keep(runWasmKernel(backend, 'Transpose', { x: padded }, { perm: [3, 0, 1, 2] }));
  const rows = batchSize * outHeight * outWidth;
  const taps: tf.TensorInfo[] = [];
  for (let fy = 0; fy < filterHeight; fy++) {
    for (let fx = 0; fx < filterWidth; fx++) {
      const tap = keep(runWasmKernel(backend, 'StridedSlice', { x: channelMajor }, {
        begin: [0, 0, fy, fx],
        end: [inChannels, batchSize, fy + (outHeight - 1) * strideHeight + 1, fx + (outWidth - 1) * strideWidth + 1],
        strides: [1, 1, strideHeight, strideWidth],
        beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
      }));
      taps.push(keep(reshapeInfo(backend, tap, [inChannels, rows])));
    }
  }
  const patchesT = taps.length === 1 ? taps[0] : keep(runWasmKernel(backend, 'Concat', taps, { axis: 0 }));
  const dy2d = keep(reshapeInfo(backend, dy, [1, rows, outChannels]));
  const a = keep(reshapeInfo(backend, patchesT, [1, filterHeight * filterWidth * inChannels, rows]));
  const product = keep(runWasmKernel(backend, 'BatchMatMul', { a, b: dy2d }, { transposeA: false, transposeB: false }));
  const dw = reshapeInfo(backend, product, [...filterShape]);
  release(backend, ...temporaries);
  return dw;
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
