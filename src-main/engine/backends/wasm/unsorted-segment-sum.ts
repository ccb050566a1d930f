import * as tf from '@tensorflow/tfjs';
import { reshapeInfo, runWasmKernel, Scratch, transposeInfo, wasmBackendOf, type KernelArgs } from './run-kernel.ts';

/**
 * UnsortedSegmentSum for wasm, which ships without one; it is the gradient of gather (so of
 * embedding layers). out[s] = sum of data[i] where segmentIds[i] = s, as one matmul:
 * oneHot(segmentIds)^T [numSegments, n] x data [n, rest]. Ids outside [0, numSegments) drop out.
 */
function unsortedSegmentSum(args: KernelArgs): tf.TensorInfo {
  const backend = wasmBackendOf(args);
  const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = args.attrs as unknown as tf.UnsortedSegmentSumAttrs;
  if (x.dtype !== 'float32') throw new Error(`UnsortedSegmentSum on wasm supports float32 data, got ${x.dtype}`);
  const rows = segmentIds.shape.reduce((a, b) => a * b, 1);
  const restShape = x.shape.slice(segmentIds.shape.length);
  const rest = restShape.reduce((a, b) => a * b, 1);
  const scratch = new Scratch(backend);

  const ids = scratch.keep(reshapeInfo(backend, segmentIds, [rows]));
  // The wasm OneHot kernel writes int32 whatever dtype it is asked for.
  const oneHotInts = scratch.keep(runWasmKernel(backend, 'OneHot', { indices: ids }, {
    depth: numSegments, onValue: 1, offValue: 0, dtype: 'int32',
  }));
  const oneHot = scratch.keep(runWasmKernel(backend, 'Cast', { x: oneHotInts }, { dtype: 'float32' }));
  const oneHot3d = scratch.keep(reshapeInfo(backend, oneHot, [1, rows, numSegments]));
  const selector = scratch.keep(transposeInfo(backend, oneHot3d, [0, 2, 1]));
  const data = scratch.keep(reshapeInfo(backend, x, [1, rows, rest]));
  const sums = scratch.keep(runWasmKernel(backend, 'BatchMatMul', { a: selector, b: data }, {
    transposeA: false, transposeB: false,
  }));
  const out = reshapeInfo(backend, sums, [numSegments, ...restShape]);
  scratch.releaseAll();
  return out;
}

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as tf.KernelFunc,
};
