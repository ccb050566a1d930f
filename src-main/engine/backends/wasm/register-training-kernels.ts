import * as tf from '@tensorflow/tfjs';
import { adamUpdateConfig } from './adam-update.ts';
import { batchMatMulOverride, fusedMatMulOverride } from './batch-mat-mul.ts';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.ts';
import { conv2DBackpropInputOverride } from './conv2d-backprop-input.ts';
import { identityOverride } from './identity.ts';
import { meanOverride, sumOverride } from './reduce-leading-axes.ts';
import { tileConfig } from './tile.ts';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.ts';

/** Kernels the stock wasm backend lacks (and the fused Adam update FusedAdam uses). */
const ADDED: tf.KernelConfig[] = [conv2DBackpropFilterConfig, unsortedSegmentSumConfig, adamUpdateConfig];

/** Replacements for stock wasm kernels that are slow when training; each wraps the stock one. */
const OVERRIDES: Record<string, (stock: tf.KernelConfig) => tf.KernelConfig> = {
  BatchMatMul: batchMatMulOverride,
  _FusedMatMul: fusedMatMulOverride,
  Conv2DBackpropInput: conv2DBackpropInputOverride,
  Tile: () => tileConfig,
  Identity: identityOverride,
  Sum: sumOverride,
  Mean: meanOverride,
};

const stockKernels = new Map<string, tf.KernelConfig>();
const overrides = new Map<string, tf.KernelConfig>();

function reRegister(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, 'wasm') !== undefined) tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel(config);
}

/** Adds the kernels and fast paths the wasm backend needs to train every model (idempotent). */
export function registerWasmTrainingKernels(): void {
  setWasmTrainingKernels(true);
}

/** Turns this project's wasm kernels on or off; off restores the stock backend (for the bench). */
export function setWasmTrainingKernels(enabled: boolean): void {
  for (const config of ADDED) {
    const registered = tf.getKernel(config.kernelName, 'wasm') === config;
    if (enabled && !registered) tf.registerKernel(config);
    if (!enabled && registered) tf.unregisterKernel(config.kernelName, 'wasm');
  }
  for (const [kernelName, makeOverride] of Object.entries(OVERRIDES)) {
    if (!stockKernels.has(kernelName)) {
      const stock = tf.getKernel(kernelName, 'wasm');
      if (stock === undefined) continue;
      stockKernels.set(kernelName, stock);
      overrides.set(kernelName, makeOverride(stock));
    }
    reRegister((enabled ? overrides : stockKernels).get(kernelName)!);
  }
}
