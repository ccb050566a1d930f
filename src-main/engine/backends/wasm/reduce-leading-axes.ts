import * as tf from '@tensorflow/tfjs';
import { blasKernels, heapOf, heapOffset } from './blas.ts';
import { runWasmKernel, wasmBackendOf, type KernelArgs } from './run-kernel.ts';

/**
 * Sum and Mean over leading axes for wasm: batch norm's statistics and gradients, and bias
 * gradients, reduce [n, h, w, c] over n, h and w every step. The stock kernels first
 * transpose the whole tensor so the reduced axes come last; this adds rows into per-column
 * accumulators in one pass. Other reductions go to the stock kernel.
 */
function leadingAxesOverride(kernelName: 'Sum' | 'Mean', stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
    const backend = wasmBackendOf(args);
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((a, i) => a === i);
    if (!leading || x.dtype !== 'float32') return runWasmKernel(backend, kernelName, args.inputs, args.attrs, stock);
    const kept = x.shape.slice(axes.length);
    const columns = tf.util.sizeFromShape(kept);
    const rows = tf.util.sizeFromShape(x.shape.slice(0, axes.length));
    const out = backend.makeOutput(keepDims ? [...axes.map(() => 1), ...kept] : kept, 'float32');
    const scale = kernelName === 'Mean' ? 1 / rows : 1;
    const native = blasKernels();
    if (native !== null) {
      native.columnSums(heapOf(backend), heapOffset(backend, x), rows, columns, heapOffset(backend, out), scale);
      return out;
    }
    // Views only after the allocation: growing the heap detaches earlier ones.
    const source = backend.typedArrayFromHeap(x) as Float32Array;
    const target = backend.typedArrayFromHeap(out) as Float32Array;
    const sums = columnSums(source, rows, columns);
    for (let column = 0; column < columns; column++) target[column] = sums[column] * scale;
    return out;
  };
  return { kernelName, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc };
}

/** Per-column sums of a [rows, columns] matrix, four rows at a time (a third of the time of one). */
function columnSums(source: Float32Array, rows: number, columns: number): Float64Array {
  const sums = new Float64Array(columns);
  let row = 0;
  for (; row + 4 <= rows; row += 4) {
    const a = row * columns;
    const b = a + columns;
    const c = b + columns;
    const d = c + columns;
    for (let k = 0; k < columns; k++) sums[k] += source[a + k] + source[b + k] + (source[c + k] + source[d + k]);
  }
  for (; row < rows; row++) {
    for (let k = 0, a = row * columns; k < columns; k++) sums[k] += source[a + k];
  }
  return sums;
}

export const sumOverride = (stock: tf.KernelConfig) => leadingAxesOverride('Sum', stock);
export const meanOverride = (stock: tf.KernelConfig) => leadingAxesOverride('Mean', stock);
