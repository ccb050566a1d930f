import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { BlasKernels } from '../load-blas.ts';
import { blasKernels, heapOf, heapOffset } from './blas.ts';
import { runWasmKernel, Scratch, transposeInfo, wasmBackendOf, type KernelArgs } from './run-kernel.ts';

/**
 * BatchMatMul and _FusedMatMul for training on wasm.
 *
 * With OpenBLAS (wasm/blas.ts): one sgemm per batch item, on the operands where they lie in the
 * heap, transpose flags and all. XNNPACK, behind the stock kernels, packs its right operand
 * again for every new tensor, in scalar code: in training every weight is new each step, and at
 * batch 128 the packing cost as much as the product itself.
 *
 * Without it: the stock kernel is fast (XNNPACK) only without transpose flags; with either flag
 * it takes a scalar loop some 6-30x slower, and every backward pass sets one. Materialising the
 * transpose first costs a fraction of a millisecond at training sizes, so the flagged operand is
 * transposed and the stock kernel runs with both flags off.
 */
function matMulOverride(kernelName: 'BatchMatMul' | '_FusedMatMul', stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
    const attrs = args.attrs as unknown as tf.BatchMatMulAttrs & FusedAttrs;
    const backend = wasmBackendOf(args);
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const native = blasKernels();
    const strides = batchStrides(a, b);
    if (native !== null && strides !== null && Math.min(...a.shape, ...b.shape) > 0) {
      const product = blasProduct(native, backend, a, b, strides, attrs);
      return kernelName === '_FusedMatMul' ? epilogue(backend, product, args.inputs, attrs) : product;
    }
    const scratch = new Scratch(backend);
    const plainA = attrs.transposeA ? scratch.keep(transposeInfo(backend, a, swapLastTwo(a))) : a;
    const plainB = attrs.transposeB ? scratch.keep(transposeInfo(backend, b, swapLastTwo(b))) : b;
    const inputs = { ...args.inputs, a: plainA, b: plainB };
    const plainAttrs = { ...args.attrs, transposeA: false, transposeB: false };
    // The stock _FusedMatMul adds the bias wrongly when the matmul is batched (checked in 4.22).
    const out =
      kernelName === '_FusedMatMul' && args.inputs.bias !== undefined && batchOf(a, b) > 1
        ? epilogue(backend, runWasmKernel(backend, 'BatchMatMul', { a: plainA, b: plainB }, plainAttrs), args.inputs, attrs)
        : runWasmKernel(backend, kernelName, inputs, plainAttrs, stock);
    scratch.releaseAll();
    return out;
  };
  return { kernelName, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc };
}

function swapLastTwo(x: tf.TensorInfo): number[] {
  const perm = x.shape.map((_, i) => i);
  perm.push(...perm.splice(-2).reverse());
  return perm;
}

const outerSize = (x: tf.TensorInfo) => tf.util.sizeFromShape(x.shape.slice(0, -2));

function batchOf(a: tf.TensorInfo, b: tf.TensorInfo): number {
  return Math.max(outerSize(a), outerSize(b));
}

/** Floats between consecutive batch items of a and b (0: one matrix for every item), or null for a broadcast sgemm cannot stride. */
function batchStrides(a: tf.TensorInfo, b: tf.TensorInfo): [number, number] | null {
  const [batchA, batchB] = [outerSize(a), outerSize(b)];
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return null;
  const matrix = (x: tf.TensorInfo, batch: number) => (batch === 1 ? 0 : tf.util.sizeFromShape(x.shape.slice(-2)));
  return [matrix(a, batchA), matrix(b, batchB)];
}

function blasProduct(
  native: BlasKernels,
  backend: BackendWasm,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  [strideA, strideB]: [number, number],
  attrs: tf.BatchMatMulAttrs,
): tf.TensorInfo {
  const { transposeA, transposeB } = attrs;
  const [rowsA, columnsA] = a.shape.slice(-2);
  const [rowsB, columnsB] = b.shape.slice(-2);
  const [m, k] = transposeA ? [columnsA, rowsA] : [rowsA, columnsA];
  const n = transposeB ? rowsB : columnsB;
  const outer = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const out = backend.makeOutput([...outer, m, n], 'float32');
  native.sgemm(heapOf(backend), batchOf(a, b), heapOffset(backend, a), strideA, heapOffset(backend, b), strideB, heapOffset(backend, out), m, n, k, Number(transposeA), Number(transposeB));
  return out;
}

interface FusedAttrs {
  activation: string;
  leakyreluAlpha?: number;
}

const ACTIVATION_KERNELS: Record<string, string> = { relu: 'Relu', relu6: 'Relu6', elu: 'Elu', sigmoid: 'Sigmoid' };

/** _FusedMatMul's bias and activation applied to `product` as stock kernels; releases what it does not return. */
function epilogue(backend: BackendWasm, product: tf.TensorInfo, inputs: KernelArgs['inputs'], attrs: FusedAttrs): tf.TensorInfo {
  const { bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
  const scratch = new Scratch(backend);
  let out = product;
  const then = (next: tf.TensorInfo) => {
    scratch.keep(out);
    out = next;
  };
  if (bias !== undefined) then(runWasmKernel(backend, 'Add', { a: out, b: bias }));
  const { activation, leakyreluAlpha } = attrs;
  if (activation === 'leakyrelu') then(runWasmKernel(backend, 'LeakyRelu', { x: out }, { alpha: leakyreluAlpha }));
  else if (activation === 'prelu') then(runWasmKernel(backend, 'Prelu', { x: out, alpha: preluActivationWeights! }));
  else if (activation !== 'linear' && activation !== undefined) then(runWasmKernel(backend, ACTIVATION_KERNELS[activation]!, { x: out }));
  scratch.releaseAll();
  return out;
}

export const batchMatMulOverride = (stock: tf.KernelConfig) => matMulOverride('BatchMatMul', stock);
export const fusedMatMulOverride = (stock: tf.KernelConfig) => matMulOverride('_FusedMatMul', stock);
