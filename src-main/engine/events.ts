import type { EpochMetrics, RunOutcome } from '../contract/contract.ts';
import type { TrainConfig } from './config.ts';
import type { RunStatus } from './run-record.ts';

/** What a training run reports while it works (streamed from the trainer process). */
export type TrainEvent =
  | {
      type: 'progress';
      epoch: number;
      epochs: number;
      batch: number;
      batches: number;
      loss: number;
      samplesPerSecond: number;
      etaSeconds: number;
    }
  | ({ type: 'epoch'; epochs: number } & EpochMetrics)
  | { type: 'status'; status: RunStatus; backend?: string; note?: string }
  | { type: 'outcome'; outcome: RunOutcome }
  | { type: 'log'; message: string };

/** The end of a training session (also the CLI's --json output, plus status and error). */
export interface RunSummary {
  run: number;
  dataset: number;
  model: string;
  backend: string | null;
  status: RunStatus;
  epochs: number;
  seconds: number;
  samplesPerSecond: number | null;
  trainLoss: number | null;
  valLoss: number | null;
  valMse: number | null;
  valKl: number | null;
  error: string | null;
  /** How training ended (null while running or for runs before this was recorded). */
  outcome: RunOutcome | null;
  /** What the recommended recipe chose and why (null when the model was given). */
  recipe: string | null;
  /** The resolved configuration the run trained with. */
  config: TrainConfig;
}
