import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../../errors.ts';
import { CONV_GRADIENT_KERNELS, missingKernels } from './kernels-available.ts';
import { loadTensorflowBackend } from './load-tensorflow.ts';
import { loadWasmBackend, wasmThreadsUsed, type WasmOptions } from './load-wasm.ts';
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
  /** Why a backend preferred over this one was not used; absent when the best one loaded. */
  note?: string;
}

/** Preference order: native libtensorflow, then wasm (SIMD), then plain JavaScript. */
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

const LABELS: Record<BackendName, string> = { tensorflow: 'tfjs-node', wasm: 'wasm', cpu: 'cpu' };

async function load(name: BackendName, options: WasmOptions): Promise<string | null> {
  if (name === 'tensorflow') return loadTensorflowBackend();
  if (name === 'wasm') {
    const failure = await loadWasmBackend(options);
    if (failure === null) registerWasmTrainingKernels();
    return failure;
  }
  const ok = await tf.setBackend('cpu');
  await tf.ready();
  return ok ? null : 'the cpu backend failed to initialise';
}

function requiredKernels(needs: BackendNeeds): string[] {
  return [...(needs.convGradients ? CONV_GRADIENT_KERNELS : []), ...(needs.kernels ?? [])];
}

/** Loads `name` and checks it has every kernel `needs` asks for; returns why not, or null. */
async function tryBackend(name: BackendName, needs: BackendNeeds, options: WasmOptions): Promise<string | null> {
  const failure = await load(name, options);
  if (failure !== null) return failure;
  const missing = missingKernels(name, requiredKernels(needs));
  if (missing.length > 0) return `${LABELS[name]} has no ${missing.join(', ')} kernel`;
  return null;
}

async function threadsOf(name: BackendName): Promise<number> {
  if (name === 'wasm') return wasmThreadsUsed();
  return name === 'tensorflow' ? os.availableParallelism() : 1;
}

/**
 * Makes the best backend that can train the model the active tfjs backend.
 * 'auto' walks BACKEND_ORDER and explains in `note` why better ones were skipped;
 * a forced backend that cannot load or lacks a needed kernel is a UserError naming it.
 * `options.threads` is the wasm backend's thread count (default: LATENT_LAB_THREADS, else every core).
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
    const failure = await tryBackend(requested, needs, options);
    if (failure !== null) {
      throw new UserError(`Cannot use the ${requested} backend: ${failure}.`, 'backend_unavailable');
    }
    return { name: requested, threads: await threadsOf(requested) };
  }
  const reasons: string[] = [];
  for (const name of BACKEND_ORDER) {
    const failure = await tryBackend(name, needs, options);
    if (failure === null) {
      const threads = await threadsOf(name);
      return reasons.length === 0 ? { name, threads } : { name, threads, note: `${reasons.join('; ')}; using ${LABELS[name]}` };
    }
    reasons.push(failure);
  }
  throw new Error(`No tfjs backend could be loaded: ${reasons.join('; ')}`);
}
