import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendRequest, type SelectedBackend } from './backends/select.ts';

// The engine prints its own messages; tfjs' "install tfjs-node" banner would pollute --json output.
tf.enableProdMode();

/**
 * Makes the best backend for training this model active (the one place the engine chooses a
 * backend). Threads: as asked, else LATENT_LAB_THREADS; else every core for conv models and
 * one for dense ones, whose small matmuls ran slower on two threads than on one (bench/train.ts).
 */
export function useTrainingBackend(requested: BackendRequest, conv: boolean, threads?: number): Promise<SelectedBackend> {
  const byModel = conv || process.env.LATENT_LAB_THREADS ? undefined : 1;
  return selectBackend(requested, { convGradients: conv }, { threads: threads ?? byModel });
}

let inference: Promise<SelectedBackend> | null = null;

/** For encoding/decoding outside the trainer: picks the best backend once per process. */
export function ensureInferenceBackend(): Promise<SelectedBackend> {
  inference ??= selectBackend('auto');
  return inference;
}
