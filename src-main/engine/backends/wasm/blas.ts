import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { BlasKernels } from '../load-blas.ts';

let active: BlasKernels | null = null;

/** Makes the wasm kernels here compute with OpenBLAS's native kernels (null: in wasm and JavaScript only). */
export function setBlasKernels(kernels: BlasKernels | null): void {
  active = kernels;
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
