import * as tf from '@tensorflow/tfjs';

/** Kernels the training step of a model with conv layers runs (forward, input and filter gradients). */
export const CONV_GRADIENT_KERNELS = ['Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput'];

/** The names in `kernelNames` that `backend` has no kernel for (empty when all exist). */
export function missingKernels(backend: string, kernelNames: readonly string[]): string[] {
  return kernelNames.filter((name) => tf.getKernel(name, backend) === undefined);
}

export function kernelsAvailable(backend: string, kernelNames: readonly string[]): boolean {
  return missingKernels(backend, kernelNames).length === 0;
}
