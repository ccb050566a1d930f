import type { EpochMetrics, RunOutcome } from '../contract/contract.ts';
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
