import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
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
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const scratch = new Scratch(backend);
    const plainA = transposeA ? scratch.keep(transposeInfo(backend, a, swapLastTwo(a))) : a;
    const plainB = transposeB ? scratch.keep(transposeInfo(backend, b, swapLastTwo(b))) : b;
    const inputs = { ...args.inputs, a: plainA, b: plainB };
    const attrs = { ...args.attrs, transposeA: false, transposeB: false };
    const out =
      kernelName === '_FusedMatMul' && args.inputs.bias !== undefined && batchOf(a, b) > 1
        ? fusedInSteps(backend, inputs, attrs as unknown as FusedAttrs, scratch)
        : runWasmKernel(backend, kernelName, inputs, attrs, stock);
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

function batchOf(a: tf.TensorInfo, b: tf.TensorInfo): number {
  const outer = (x: tf.TensorInfo) => x.shape.slice(0, -2).reduce((p, d) => p * d, 1);
  return Math.max(outer(a), outer(b));
}

interface FusedAttrs {
  activation: string;
  leakyreluAlpha?: number;
}

const ACTIVATION_KERNELS: Record<string, string> = { relu: 'Relu', relu6: 'Relu6', elu: 'Elu', sigmoid: 'Sigmoid' };

/**
 * The stock _FusedMatMul adds the bias wrongly when the matmul is batched (checked in 4.22),
 * so that case runs as matmul, bias add and activation.
 */
function fusedInSteps(
  backend: BackendWasm,
  inputs: KernelArgs['inputs'],
  attrs: FusedAttrs,
  scratch: Scratch,
): tf.TensorInfo {
  const { a, b, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo>;
  const product = scratch.keep(runWasmKernel(backend, 'BatchMatMul', { a, b }, { transposeA: false, transposeB: false }));
  const biased = runWasmKernel(backend, 'Add', { a: product, b: bias });
  const { activation, leakyreluAlpha } = attrs;
  if (activation === 'linear') return biased;
  scratch.keep(biased);
  if (activation === 'leakyrelu') return runWasmKernel(backend, 'LeakyRelu', { x: biased }, { alpha: leakyreluAlpha });
  if (activation === 'prelu') return runWasmKernel(backend, 'Prelu', { x: biased, alpha: preluActivationWeights });
  return runWasmKernel(backend, ACTIVATION_KERNELS[activation]!, { x: biased });
}

export const batchMatMulOverride = (stock: tf.KernelConfig) => withoutTransposeFlags('BatchMatMul', stock);
export const fusedMatMulOverride = (stock: tf.KernelConfig) => withoutTransposeFlags('_FusedMatMul', stock);
