import * as tf from '@tensorflow/tfjs';
import { runWasmKernel, Scratch, transposeInfo, wasmBackendOf, type KernelArgs } from './run-kernel.ts';

/**
 * The wasm backend's matmul is fast (XNNPACK) only without transpose flags; with either flag
 * it takes a scalar loop some 6-30x slower, and every backward pass sets one. Materialising
 * the transpose first costs a fraction of a millisecond at training sizes, so these overrides
 * transpose the flagged operand and run the stock kernel with both flags off.
 */
function withoutTransposeFlags(kernelName: string, stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    const backend = wasmBackendOf(args);
    if (!transposeA && !transposeB) return runWasmKernel(backend, kernelName, args.inputs, args.attrs, stock);
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const scratch = new Scratch(backend);
    const swapLastTwo = (x: tf.TensorInfo): number[] => {
      const perm = x.shape.map((_, i) => i);
      perm.push(...perm.splice(-2).reverse());
      return perm;
    };
    const plainA = transposeA ? scratch.keep(transposeInfo(backend, a, swapLastTwo(a))) : a;
    const plainB = transposeB ? scratch.keep(transposeInfo(backend, b, swapLastTwo(b))) : b;
    const out = runWasmKernel(
      backend,
      kernelName,
      { ...args.inputs, a: plainA, b: plainB },
      { ...args.attrs, transposeA: false, transposeB: false },
      stock,
    );
    scratch.releaseAll();
    return out;
  };
  return { kernelName, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc };
}

export const batchMatMulOverride = (stock: tf.KernelConfig) => withoutTransposeFlags('BatchMatMul', stock);
export const fusedMatMulOverride = (stock: tf.KernelConfig) => withoutTransposeFlags('_FusedMatMul', stock);
