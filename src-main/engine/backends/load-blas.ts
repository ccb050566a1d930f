import { createRequire } from 'node:module';

/**
 * The native kernels of native/blas (the optional package latent-lab-blas, which npm builds
 * where OpenBLAS is installed). Each works in place on the wasm backend's heap: `heap` is the
 * backend's HEAPU8, tensors are byte offsets into it, so nothing is copied.
 */
export interface BlasKernels {
  /** For each of `batch` items, c = op(a) op(b), row-major; strides in floats between items (0: one matrix for all). */
  sgemm(
    heap: Uint8Array,
    batch: number,
    a: number,
    aStride: number,
    b: number,
    bStride: number,
    c: number,
    m: number,
    n: number,
    k: number,
    transposeA: number,
    transposeB: number,
  ): void;
  /** One Adam step of a variable of `size` floats (the arithmetic of wasm/adam-update.ts). */
  adam(
    heap: Uint8Array,
    x: number,
    gradient: number,
    m: number,
    v: number,
    xOut: number,
    mOut: number,
    vOut: number,
    size: number,
    learningRate: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    correction1: number,
    correction2: number,
  ): void;
  /** out[j] = scale * the sum of column j of a row-major [rows, columns] matrix. */
  columnSums(heap: Uint8Array, x: number, rows: number, columns: number, out: number, scale: number): void;
  /**
   * A conv's filter gradient dw [fh, fw, c, o] from its input x and output gradient dy (`geometry`:
   * wasm/blas.ts convGeometry), the batch split among `threads` threads that end with the call.
   */
  convBackpropFilter(heap: Uint8Array, x: number, dy: number, dw: number, geometry: number[], threads: number): void;
  /** A conv's input gradient dx from its output gradient dy and filter w (the forward pass of a transposed conv), likewise. */
  convBackpropInput(heap: Uint8Array, dy: number, w: number, dx: number, geometry: number[], threads: number): void;
  setThreads(threads: number): void;
  /** OpenBLAS's build description, such as "OpenBLAS 0.3.21 DYNAMIC_ARCH ... Cooperlake MAX_THREADS=64". */
  config(): string;
}

/**
 * Loads the native kernels, or says why not: the package was not built (no OpenBLAS when npm
 * installed), or LATENT_LAB_BLAS=off turned them off.
 */
export function loadBlas(environment: NodeJS.ProcessEnv = process.env): { kernels: BlasKernels } | { failure: string } {
  if (environment.LATENT_LAB_BLAS === 'off') return { failure: 'OpenBLAS kernels turned off (LATENT_LAB_BLAS=off)' };
  try {
    return { kernels: createRequire(import.meta.url)('latent-lab-blas') as BlasKernels };
  } catch {
    return { failure: 'no OpenBLAS kernels (install libopenblas-dev, then npm install, to build them)' };
  }
}

/** "OpenBLAS 0.3.21" out of the build description. */
export function blasVersion(kernels: BlasKernels): string {
  return kernels.config().split(' ').slice(0, 2).join(' ');
}
