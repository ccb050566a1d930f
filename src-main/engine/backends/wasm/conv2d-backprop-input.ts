import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { blasConvThreads, blasKernels, convGeometry, heapOf, heapOffset } from './blas.ts';
import { reshapeInfo, runWasmKernel, Scratch, transposeInfo, wasmBackendOf, type KernelArgs } from './run-kernel.ts';

/**
 * Conv2DBackpropInput (the input gradient of a conv, and the forward pass of a transposed
 * conv) for wasm. The stock kernel is a scalar loop; this one is a single stride-1 XNNPACK
 * Conv2D by sub-pixel decomposition. Output row y = s*q + r only meets dy rows q + d through
 * filter row fy = r + padTop - s*d, so for every phase (r, t) the result is a plain conv of dy
 * in q; stacking the s*s phase filters on the output channels gives them all in one conv, and
 * a transpose interleaves the phases into pixels. With OpenBLAS (wasm/blas.ts), natively: each
 * position's dy row times the filter's transpose gives its patch's gradient (one sgemm per chunk
 * of positions), added back into the pixels the patch read.
 */
export function conv2DBackpropInputOverride(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
    const backend = wasmBackendOf(args);
    if (dataFormat === 'NCHW') return runWasmKernel(backend, 'Conv2DBackpropInput', args.inputs, args.attrs, stock);
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const info = tf.backend_util.computeConv2DInfo(
      inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode,
    );
    const native = blasKernels();
    if (native !== null) {
      const dx = backend.makeOutput(inputShape, 'float32');
      native.convBackpropInput(heapOf(backend), heapOffset(backend, dy), heapOffset(backend, filter), heapOffset(backend, dx), convGeometry(info), blasConvThreads());
      return dx;
    }
    return (
      backpropInput(backend, dy, filter, info) ??
      runWasmKernel(backend, 'Conv2DBackpropInput', args.inputs, args.attrs, stock)
    );
  };
  return { kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc };
}

/** Offsets d = (r + padBefore - f) / s that some phase r and filter tap f contribute through. */
function offsetRange(filterSize: number, stride: number, padBefore: number): { first: number; count: number } {
  const first = Math.ceil((padBefore - (filterSize - 1)) / stride);
  const last = Math.floor((stride - 1 + padBefore) / stride);
  return { first, count: last - first + 1 };
}

function backpropInput(
  backend: BackendWasm,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo | null {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, padInfo } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight, filterWidth } = info;
  const rowsD = offsetRange(filterHeight, sh, padInfo.top);
  const colsD = offsetRange(filterWidth, sw, padInfo.left);
  const rows = Math.ceil(inHeight / sh);
  const cols = Math.ceil(inWidth / sw);
  // Padding of at least the filter size leaves whole dy rows unused on top: rare, left to the stock kernel.
  if (rowsD.first > 0 || colsD.first > 0) return null;
  const scratch = new Scratch(backend);

  const phaseFilter = scratch.keep(phaseFilterOf(backend, filter, sh, sw, padInfo.top, padInfo.left, rowsD, colsD));
  const convolved = scratch.keep(runWasmKernel(backend, 'Conv2D', { x: dy, filter: phaseFilter }, {
    strides: [1, 1],
    pad: [
      [0, 0],
      [-rowsD.first, Math.max(0, rows - 1 + rowsD.first + rowsD.count - 1 - (outHeight - 1))],
      [-colsD.first, Math.max(0, cols - 1 + colsD.first + colsD.count - 1 - (outWidth - 1))],
      [0, 0],
    ],
    dataFormat: 'NHWC',
    dilations: [1, 1],
  }));
  // dy rows that only ever met padding make the result longer than needed: drop them.
  const phases =
    convolved.shape[1] === rows && convolved.shape[2] === cols
      ? convolved
      : scratch.keep(runWasmKernel(backend, 'Slice', { x: convolved }, {
          begin: [0, 0, 0, 0],
          size: [batchSize, rows, cols, convolved.shape[3]],
        }));
  // [n, q, p, (r, t, c)] -> [n, q, r, p, (t, c)] -> [n, q*sh + r, p*sw + t, c]
  let full = phases;
  if (sh > 1) {
    const split = scratch.keep(reshapeInfo(backend, phases, [batchSize * rows, cols, sh, sw * inChannels]));
    full = scratch.keep(transposeInfo(backend, split, [0, 2, 1, 3]));
  }
  const exact = rows * sh === inHeight && cols * sw === inWidth;
  const dx = exact
    ? reshapeInfo(backend, full, [batchSize, inHeight, inWidth, inChannels])
    : runWasmKernel(backend, 'Slice', { x: scratch.keep(reshapeInfo(backend, full, [batchSize, rows * sh, cols * sw, inChannels])) }, {
        begin: [0, 0, 0, 0],
        size: [batchSize, inHeight, inWidth, inChannels],
      });
  scratch.releaseAll();
  return dx;
}

/**
 * The stacked phase filters [rowsD.count, colsD.count, outChannels, sh*sw*inChannels]:
 * entry [d - rowsD.first, e - colsD.first, o, (r*sw + t)*inChannels + c] =
 * filter[r + padTop - sh*d, t + padLeft - sw*e, c, o] where that tap exists, else 0.
 * Filters are tiny (a few thousand weights), so this is rearranged on the JS side.
 */
function phaseFilterOf(
  backend: BackendWasm,
  filter: tf.TensorInfo,
  sh: number,
  sw: number,
  padTop: number,
  padLeft: number,
  rowsD: { first: number; count: number },
  colsD: { first: number; count: number },
): tf.TensorInfo {
  const [fh, fw, ci, co] = filter.shape;
  const source = backend.typedArrayFromHeap(filter) as Float32Array;
  const phaseChannels = sh * sw * ci;
  const target = new Float32Array(rowsD.count * colsD.count * co * phaseChannels);
  for (let di = 0; di < rowsD.count; di++) {
    for (let r = 0; r < sh; r++) {
      const fy = r + padTop - sh * (rowsD.first + di);
      if (fy < 0 || fy >= fh) continue;
      for (let ei = 0; ei < colsD.count; ei++) {
        for (let t = 0; t < sw; t++) {
          const fx = t + padLeft - sw * (colsD.first + ei);
          if (fx < 0 || fx >= fw) continue;
          const targetRow = (di * colsD.count + ei) * co;
          const phaseOffset = (r * sw + t) * ci;
          for (let c = 0; c < ci; c++) {
            const sourceBase = ((fy * fw + fx) * ci + c) * co;
            for (let o = 0; o < co; o++) {
              target[(targetRow + o) * phaseChannels + phaseOffset + c] = source[sourceBase + o];
            }
          }
        }
      }
    }
  }
  return backend.makeOutput([rowsD.count, colsD.count, co, phaseChannels], 'float32', undefined, target);
}
