import type { RunSummary } from '../contract/contract.ts';
import type { TrainEvent } from './events.ts';

/** Parent -> trainer process. */
export type ParentMessage = { type: 'start'; dbPath: string; runId: number } | { type: 'stop' };

/** Trainer process -> parent. */
export type ChildMessage =
  | { type: 'event'; event: TrainEvent }
  | { type: 'done'; summary: RunSummary }
  | { type: 'failed'; error: string };
