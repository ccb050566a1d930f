import type * as tf from '@tensorflow/tfjs';
import { wasmBackendOf, type KernelArgs } from './run-kernel.ts';

/**
 * Tile for wasm. The stock kernel computes every output element's source index (tens of
 * nanoseconds each), and batch norm's gradient tiles a per-channel vector to the whole
 * activation every step: 40% of a 28x28 conv autoencoder step. This one copies each input
 * row once and repeats blocks with copyWithin (a memmove), doubling what it copies.
 */
function tile(args: KernelArgs): tf.TensorInfo {
  const backend = wasmBackendOf(args);
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { reps } = args.attrs as unknown as tf.TileAttrs;
  const shape = x.shape;
  const outShape = shape.map((d, i) => d * reps[i]);
  const out = backend.makeOutput(outShape, x.dtype);
  // Views only after the allocation: growing the heap detaches earlier ones.
  const source = backend.typedArrayFromHeap(x);
  const target = backend.typedArrayFromHeap(out);
  if (target.length === 0) return out;
  // Elements per step of each axis, in the input and in the output.
  const sourceStride = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const targetStride = outShape.map((_, i) => outShape.slice(i + 1).reduce((a, b) => a * b, 1));
  const fill = (axis: number, from: number, to: number): void => {
    const last = axis === shape.length - 1;
    if (last) target.set(source.subarray(from, from + shape[axis]), to);
    else for (let i = 0; i < shape[axis]; i++) fill(axis + 1, from + i * sourceStride[axis], to + i * targetStride[axis]);
    repeat(target, to, (last ? 1 : targetStride[axis]) * shape[axis], reps[axis]);
  };
  if (shape.length === 0) target[0] = source[0];
  else fill(0, 0, 0);
  return out;
}

/** Repeats the block of `size` elements at `start` until it appears `times` times in a row. */
function repeat(array: tf.TypedArray, start: number, size: number, times: number): void {
  const end = start + size * times;
  for (let filled = size; filled < size * times; filled *= 2) {
    array.copyWithin(start + filled, start, Math.min(start + filled, end - filled));
  }
}

export const tileConfig: tf.KernelConfig = { kernelName: 'Tile', backendName: 'wasm', kernelFunc: tile as tf.KernelFunc };
