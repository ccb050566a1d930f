import * as tf from '@tensorflow/tfjs';

/** Kernels that a model's training step needs beyond the basics every backend has. */
export const CONV_GRADIENT_KERNELS = ['Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput'];

/** The names in `kernelNames` that `backend` has no kernel for (empty when all exist). */
export function missingKernels(backend: string, kernelNames: readonly string[]): string[] {
  return kernelNames.filter((name) => tf.getKernel(name, backend) === undefined);
}

export function kernelsAvailable(backend: string, kernelNames: readonly string[]): boolean {
  return missingKernels(backend, kernelNames).length === 0;
}
