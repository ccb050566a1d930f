import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendRequest, type SelectedBackend } from './backends/select.ts';

// The engine prints its own messages; tfjs' "install tfjs-node" banner would pollute --json output.
tf.enableProdMode();

/**
 * Makes the best backend for training this model active (the one place the engine chooses a
 * backend), on `threads` threads, else LATENT_LAB_THREADS, else every core (bench/train-epochs.ts:
 * two threads train the dense AE 11% and the conv AE 40% faster than one).
 */
export function useTrainingBackend(requested: BackendRequest, conv: boolean, threads?: number): Promise<SelectedBackend> {
  return selectBackend(requested, { convGradients: conv }, { threads });
}

let inference: Promise<SelectedBackend> | null = null;

/** For encoding/decoding outside the trainer: picks the best backend once per process. */
export function ensureInferenceBackend(): Promise<SelectedBackend> {
  inference ??= selectBackend('auto');
  return inference;
}
