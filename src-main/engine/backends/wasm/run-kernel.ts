import * as tf from '@tensorflow/tfjs';

type Attrs = Record<string, unknown>;

/**
 * Runs another wasm kernel directly from inside a kernel, the way the wasm backend composes
 * its own kernels: no engine bookkeeping, no gradient tape. The caller disposes what it does
 * not return with `release`.
 */
export function runWasmKernel(
  backend: tf.KernelBackend,
  kernelName: string,
  inputs: Record<string, tf.TensorInfo> | tf.TensorInfo[],
  attrs: Attrs = {},
): tf.TensorInfo {
  const kernel = tf.getKernel(kernelName, 'wasm');
  if (kernel === undefined) throw new Error(`The wasm backend has no ${kernelName} kernel`);
  // Concat-like kernels take their inputs as an array.
  const named = inputs as unknown as Record<string, tf.TensorInfo>;
  return kernel.kernelFunc({ inputs: named, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
}

export function reshapeInfo(backend: tf.KernelBackend, x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return runWasmKernel(backend, 'Reshape', { x }, { shape });
}

export function release(backend: tf.KernelBackend, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}
