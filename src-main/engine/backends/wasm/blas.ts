import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { BlasKernels } from '../load-blas.ts';

let active: BlasKernels | null = null;
let convThreads = 1;

/**
 * Makes the wasm kernels here compute with OpenBLAS's native kernels (null: in wasm and JavaScript
 * only), the conv gradients on `threads` threads of their own.
 */
export function setBlasKernels(kernels: BlasKernels | null, threads = 1): void {
  active = kernels;
  convThreads = threads;
}

/** The threads the native conv gradients split a batch among. */
export function blasConvThreads(): number {
  return convThreads;
}

/** The native kernels the wasm kernels use now, if any. */
export function blasKernels(): BlasKernels | null {
  return active;
}

/** Where a tensor's data starts in the wasm heap, in bytes (what the native kernels take). */
export function heapOffset(backend: BackendWasm, info: tf.TensorInfo): number {
  return backend.dataIdMap.get(info.dataId)!.memoryOffset;
}

/** The wasm backend's heap as the native kernels take it (the module's HEAPU8, which tfjs reads too). */
export function heapOf(backend: BackendWasm): Uint8Array {
  return (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8;
}

/** A conv's shape as the native conv kernels take it (NHWC; they assume dilation 1). */
export function convGeometry(info: tf.backend_util.Conv2DInfo): number[] {
  return [
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left,
  ];
}
