import * as tf from '@tensorflow/tfjs';
import { blasKernels, heapOf, heapOffset } from './blas.ts';
import { wasmBackendOf, type KernelArgs } from './run-kernel.ts';

/** A kernel tfjs does not have: one Adam update of a variable (see engine/train/fused-adam.ts). */
export const ADAM_UPDATE = 'LatentLabAdamUpdate';

export interface AdamUpdateAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 - beta1^t and 1 - beta2^t: the bias corrections of step t. */
  correction1: number;
  correction2: number;
}

/**
 * Adam's update of one variable in a single pass over its memory: inputs x (the variable),
 * gradient, m and v (its moments); outputs the new x, m and v. tfjs' AdamOptimizer spends a
 * dozen kernels per variable on this (each a pass over memory, plus its call overhead).
 */
function adamUpdate(args: KernelArgs): tf.TensorInfo[] {
  const backend = wasmBackendOf(args);
  const { x, gradient, m, v } = args.inputs as Record<'x' | 'gradient' | 'm' | 'v', tf.TensorInfo>;
  const { learningRate, beta1, beta2, epsilon, correction1, correction2 } = args.attrs as unknown as AdamUpdateAttrs;
  const outputs = [x, m, v].map((like) => backend.makeOutput(like.shape, 'float32'));
  const native = blasKernels();
  if (native !== null) {
    const [xAt, gradientAt, mAt, vAt, xOut, mOut, vOut] = [x, gradient, m, v, ...outputs].map((info) => heapOffset(backend, info));
    const size = tf.util.sizeFromShape(x.shape);
    native.adam(heapOf(backend), xAt, gradientAt, mAt, vAt, xOut, mOut, vOut, size, learningRate, beta1, beta2, epsilon, correction1, correction2);
    return outputs;
  }
  // Views only after every allocation: growing the heap detaches earlier ones.
  const [xs, gs, ms, vs] = [x, gradient, m, v].map((info) => backend.typedArrayFromHeap(info) as Float32Array);
  const [xOut, mOut, vOut] = outputs.map((info) => backend.typedArrayFromHeap(info) as Float32Array);
  const stepScale = learningRate / correction1;
  const rootCorrection2 = Math.sqrt(correction2);
  for (let i = 0; i < xs.length; i++) {
    const g = gs[i];
    const mi = beta1 * ms[i] + (1 - beta1) * g;
    const vi = beta2 * vs[i] + (1 - beta2) * g * g;
    mOut[i] = mi;
    vOut[i] = vi;
    xOut[i] = xs[i] - (stepScale * mi) / (Math.sqrt(vi) / rootCorrection2 + epsilon);
  }
  return outputs;
}

export const adamUpdateConfig: tf.KernelConfig = {
  kernelName: ADAM_UPDATE,
  backendName: 'wasm',
  kernelFunc: adamUpdate as unknown as tf.KernelFunc,
};
