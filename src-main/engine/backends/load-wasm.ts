import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { unrefThreads, withNodeThreads } from './wasm-thread-workers.ts';

/** XNNPACK's pool in tfjs's wasm module has at most 8 threads. */
export const MAX_WASM_THREADS = 8;

export interface WasmOptions {
  /** Threads XNNPACK may use (at most MAX_WASM_THREADS); default LATENT_LAB_THREADS, else every core. 1 loads the single-thread binary. */
  threads?: number;
}

/**
 * Loads the wasm backend (SIMD binary, threaded when more than one thread is asked for) from
 * the package's own dist folder, so it works offline and from any working directory.
 * Returns why it failed, or null when ready. A process loads it once: later calls keep the
 * threads the first one chose.
 */
export async function loadWasmBackend(options: WasmOptions = {}): Promise<string | null> {
  try {
    // Thread flags set after the module loaded would not change its threads, only confuse it.
    if (tf.findBackend('wasm')) return (await tf.setBackend('wasm')) ? null : 'the wasm backend failed to initialise';
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    const distDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    wasm.setWasmPaths(distDir + path.sep);
    const threads = wasmThreadCount(options);
    // tfjs says Node has no wasm threads; it has, with the help of wasm-thread-workers.ts.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 1);
    wasm.setThreadsCount(threads);
    const ok = threads > 1 ? await withNodeThreads(threads, () => tf.setBackend('wasm')) : await tf.setBackend('wasm');
    if (!ok) return 'the wasm backend failed to initialise';
    await tf.ready();
    if (threads > 1) unrefThreads((tf.backend() as BackendWasm).wasm);
    return null;
  } catch (error) {
    return `the wasm backend could not be loaded (${(error as Error).message})`;
  }
}

/** The threads `options` asks for: `threads`, else LATENT_LAB_THREADS, else every core; at most MAX_WASM_THREADS. */
export function wasmThreadCount(options: WasmOptions): number {
  return Math.min(options.threads ?? defaultThreads(), MAX_WASM_THREADS);
}

/** Threads the loaded wasm backend uses (1 for the single-thread binary). */
export async function wasmThreadsUsed(): Promise<number> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  return wasm.getThreadsCount();
}

/** LATENT_LAB_THREADS when set (a positive integer), else the number of cores. */
export function defaultThreads(environment: NodeJS.ProcessEnv = process.env): number {
  const text = environment.LATENT_LAB_THREADS;
  if (text === undefined || text === '') return os.availableParallelism();
  const threads = Number(text);
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`LATENT_LAB_THREADS must be a positive integer, got "${text}"`);
  }
  return threads;
}
