import { spawnSync } from 'node:child_process';
import type { ReferenceModelName } from './reference-models.ts';

const PYTHON_WITH_TORCH = '/usr/bin/python3';

/** A reference shape, or the engine's own conv-ae (torch_reference.py's EngineConvAE). */
export type TorchPeerName = ReferenceModelName | 'engine-conv-ae';

export interface TorchFigures {
  /** e.g. 'pytorch, 2 threads (openblas)' */
  label: string;
  samplesPerSecond: number;
  bestSamplesPerSecond: number;
  loss: number;
}

/**
 * Adam steps of a reference model (or the engine's conv-ae) in PyTorch (bench/torch_reference.py) on `threads` threads:
 * samples/s as the median over chunks of `chunk` steps. Null when torch is not installed;
 * a string saying why when the script failed.
 */
export function torchPeer(name: TorchPeerName, threads: number, steps: number, chunk: number): TorchFigures | string | null {
  const run = spawnSync(
    PYTHON_WITH_TORCH,
    ['bench/torch_reference.py', ...['--steps', String(steps), '--chunk', String(chunk), '--threads', String(threads), '--models', name]],
    // OpenBLAS would otherwise start its own threads besides torch's.
    { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads) } },
  );
  if (run.error || run.status !== 0) {
    if (/No module named 'torch'|ENOENT/.test(`${run.stderr}${run.error?.message ?? ''}`)) return null;
    return `torch_reference.py failed: ${run.stderr.trim().split('\n').at(-1)}`;
  }
  const result = JSON.parse(run.stdout.trim()) as { samples_per_s: number; best_samples_per_s: number; loss: number; blas: string };
  return {
    label: `pytorch, ${threads} thread${threads > 1 ? 's' : ''} (${result.blas})`,
    samplesPerSecond: result.samples_per_s,
    bestSamplesPerSecond: result.best_samples_per_s,
    loss: result.loss,
  };
}
