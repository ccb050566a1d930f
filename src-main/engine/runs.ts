import { processAlive } from '../process-alive.ts';
import type { Db } from '../store/open.ts';
import { keptMetrics, liveRuns, markRunsInterrupted, meanSpeed, readOutcome } from '../store/runs.ts';
import type { RunSummary } from './events.ts';
import { readRun } from './run-record.ts';

/**
 * Runs left 'queued' or 'running' by a process that no longer exists (kill -9, power
 * loss) become 'interrupted', resumable from their last finished epoch. Call before
 * listing or starting runs. Returns the ids it marked.
 */
export function markInterruptedRuns(db: Db): number[] {
  const dead = liveRuns(db)
    .filter((r) => r.pid === null || !processAlive(r.pid))
    .map((r) => r.id);
  markRunsInterrupted(db, dead);
  return dead;
}

/** A run's summary from the database (the last finished epoch's metrics). */
export function runSummary(db: Db, runId: number): RunSummary {
  const run = readRun(db, runId);
  const m = keptMetrics(db, runId);
  return {
    run: run.id,
    dataset: run.datasetId,
    model: run.model,
    backend: run.backend,
    status: run.status,
    epochs: run.epochsDone,
    seconds: run.seconds,
    samplesPerSecond: meanSpeed(db, runId),
    trainLoss: m?.trainLoss ?? null,
    valLoss: m?.valLoss ?? null,
    valMse: m?.valMse ?? null,
    valKl: m?.valKl ?? null,
    error: run.error,
    outcome: readOutcome(db, runId),
    recipe: run.config.recipe,
    config: run.config,
  };
}
