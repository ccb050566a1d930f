import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type Attrs = Record<string, unknown>;
export type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The active kernel's backend, typed as the wasm backend the kernels here are registered for. */
export function wasmBackendOf(args: KernelArgs): BackendWasm {
  return args.backend as BackendWasm;
}

/**
 * Runs a wasm kernel directly from inside another kernel, the way the wasm backend composes
 * its own kernels: no engine bookkeeping, no gradient tape. `config` picks a specific kernel
 * (for example the stock one an override wraps); by default the registered one runs.
 * The caller disposes what it does not return with `release`.
 */
export function runWasmKernel(
  backend: BackendWasm,
  kernelName: string,
  inputs: KernelArgs['inputs'] | tf.TensorInfo[],
  attrs: Attrs = {},
  config: tf.KernelConfig | undefined = tf.getKernel(kernelName, 'wasm'),
): tf.TensorInfo {
  if (config === undefined) throw new Error(`The wasm backend has no ${kernelName} kernel`);
  // Concat-like kernels take their inputs as an array.
  const named = inputs as KernelArgs['inputs'];
  return config.kernelFunc({ inputs: named, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
}

export function reshapeInfo(backend: BackendWasm, x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return runWasmKernel(backend, 'Reshape', { x }, { shape });
}

export function transposeInfo(backend: BackendWasm, x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
  return runWasmKernel(backend, 'Transpose', { x }, { perm });
}

export function release(backend: BackendWasm, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** Collects intermediate results so a kernel can release them all at the end. */
export class Scratch {
  private readonly infos: tf.TensorInfo[] = [];
  constructor(private readonly backend: BackendWasm) {}

  keep(info: tf.TensorInfo): tf.TensorInfo {
    this.infos.push(info);
    return info;
  }

  releaseAll(): void {
    release(this.backend, ...this.infos);
    this.infos.length = 0;
  }
}
