import * as tf from '@tensorflow/tfjs';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.ts';

const TRAINING_KERNELS: tf.KernelConfig[] = [conv2DBackpropFilterConfig];

/** Adds the kernels the wasm backend needs to train every model (idempotent). */
export function registerWasmTrainingKernels(): void {
  for (const config of TRAINING_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') === undefined) tf.registerKernel(config);
  }
}
