import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../../errors.ts';
import { CONV_GRADIENT_KERNELS, missingKernels } from './kernels-available.ts';
import { blasVersion, loadBlas } from './load-blas.ts';
import { loadTensorflowBackend } from './load-tensorflow.ts';
import { loadWasmBackend, wasmThreadCount, wasmThreadsUsed, type WasmOptions } from './load-wasm.ts';
import { setBlasKernels } from './wasm/blas.ts';
import { registerWasmTrainingKernels } from './wasm/register-training-kernels.ts';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendRequest = 'auto' | BackendName;

export interface BackendNeeds {
  /** The model has conv layers, so training needs Conv2D's gradient kernels. */
  convGradients?: boolean;
  /** Any further kernels (tfjs kernel names) the model's forward or backward pass runs. */
  kernels?: readonly string[];
}

export interface SelectedBackend {
  name: BackendName;
  /** Threads the backend computes on (tfjs-node: TensorFlow's pool, one per core). */
  threads: number;
  /** The OpenBLAS build the wasm backend's matrix products, Adam and reductions run on ("OpenBLAS 0.3.21"); absent without. */
  blas?: string;
  /** Why a backend preferred over this one was not used; absent when the best one loaded. */
  note?: string;
}

/** Preference order: native libtensorflow, then wasm (SIMD), then plain JavaScript. */
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

const LABELS: Record<BackendName, string> = { tensorflow: 'tfjs-node', wasm: 'wasm', cpu: 'cpu' };

/** What loading a backend gave: its threads, and for wasm the OpenBLAS build it uses or why none. */
interface Loaded {
  threads: number;
  blas?: string;
  blasMissing?: string;
}

/**
 * How the wasm backend shares `threads` threads when OpenBLAS computes its matrix products. A
 * dense model's work is matrix products: OpenBLAS gets the threads, XNNPACK one. A conv model's
 * is convolutions: XNNPACK's pool gets the threads for the forward ones, OpenBLAS one (the native
 * conv gradients split the batch among threads of their own, which end with each call). Two pools
 * busy on the same cores slow each other down (dense AE step, 2 cores: 6.9 ms with one pool of
 * each, 9.4-10.1 ms with two threads in both; conv AE: 54 ms against 63).
 */
export function shareThreads(threads: number, conv: boolean, blas: boolean): { wasm: number; blas: number } {
  if (!blas) return { wasm: threads, blas: 0 };
  return conv ? { wasm: threads, blas: 1 } : { wasm: 1, blas: threads };
}

async function loadWasm(needs: BackendNeeds, options: WasmOptions): Promise<Loaded | string> {
  const blas = loadBlas();
  const threads = wasmThreadCount(options);
  const shared = shareThreads(threads, needs.convGradients === true, 'kernels' in blas);
  const failure = await loadWasmBackend({ threads: shared.wasm });
  if (failure !== null) return failure;
  registerWasmTrainingKernels();
  const wasmThreads = await wasmThreadsUsed();
  if (!('kernels' in blas)) {
    setBlasKernels(null);
    return { threads: wasmThreads, blasMissing: blas.failure };
  }
  blas.kernels.setThreads(shared.blas);
  setBlasKernels(blas.kernels, threads);
  return { threads: Math.max(wasmThreads, shared.blas), blas: blasVersion(blas.kernels) };
}

async function load(name: BackendName, needs: BackendNeeds, options: WasmOptions): Promise<Loaded | string> {
  if (name === 'tensorflow') return (await loadTensorflowBackend()) ?? { threads: os.availableParallelism() };
  if (name === 'wasm') return loadWasm(needs, options);
  const ok = await tf.setBackend('cpu');
  await tf.ready();
  return ok ? { threads: 1 } : 'the cpu backend failed to initialise';
}

function requiredKernels(needs: BackendNeeds): string[] {
  return [...(needs.convGradients ? CONV_GRADIENT_KERNELS : []), ...(needs.kernels ?? [])];
}

/** Loads `name` and checks it has every kernel `needs` asks for; returns why not, or what loaded. */
async function tryBackend(name: BackendName, needs: BackendNeeds, options: WasmOptions): Promise<Loaded | string> {
  const loaded = await load(name, needs, options);
  if (typeof loaded === 'string') return loaded;
  const missing = missingKernels(name, requiredKernels(needs));
  if (missing.length > 0) return `${LABELS[name]} has no ${missing.join(', ')} kernel`;
  return loaded;
}

/** The chosen backend, with the reasons better ones (or wasm's OpenBLAS kernels) were not used. */
function selected(name: BackendName, loaded: Loaded, skipped: string[]): SelectedBackend {
  const result: SelectedBackend = { name, threads: loaded.threads };
  if (loaded.blas) result.blas = loaded.blas;
  const reasons = loaded.blasMissing ? [...skipped, loaded.blasMissing] : skipped;
  if (reasons.length > 0) result.note = `${reasons.join('; ')}; using ${LABELS[name]}`;
  return result;
}

/**
 * Makes the best backend that can train the model the active tfjs backend.
 * 'auto' walks BACKEND_ORDER and explains in `note` why better ones were skipped;
 * a forced backend that cannot load or lacks a needed kernel is a UserError naming it.
 * `options.threads` is the wasm backend's thread count (default: LATENT_LAB_THREADS, else every core),
 * shared with OpenBLAS where its native kernels are built (shareThreads).
 */
export async function selectBackend(
  requested: BackendRequest,
  needs: BackendNeeds = {},
  options: WasmOptions = {},
): Promise<SelectedBackend> {
  if (requested !== 'auto') {
    if (!BACKEND_ORDER.includes(requested)) {
      throw new UserError(`Unknown backend "${requested}"; choose one of auto, ${BACKEND_ORDER.join(', ')}.`);
    }
    const loaded = await tryBackend(requested, needs, options);
    if (typeof loaded === 'string') {
      throw new UserError(`Cannot use the ${requested} backend: ${loaded}.`, 'backend_unavailable');
    }
    return selected(requested, loaded, []);
  }
  const reasons: string[] = [];
  for (const name of BACKEND_ORDER) {
    const loaded = await tryBackend(name, needs, options);
    if (typeof loaded !== 'string') return selected(name, loaded, reasons);
    reasons.push(loaded);
  }
  throw new Error(`No tfjs backend could be loaded: ${reasons.join('; ')}`);
}
