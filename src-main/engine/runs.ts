import { processAlive } from '../process-alive.ts';
import type { RunSummary } from '../contract/contract.ts';
import { UserError } from '../errors.ts';
import type { Db } from '../store/open.ts';
import { liveRuns, markRunsInterrupted, readRunSummary } from '../store/runs.ts';

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

/** A run's summary from the database (with the metrics of the epoch it kept); a UserError naming the id when there is none. */
export function runSummary(db: Db, runId: number): RunSummary {
  const summary = readRunSummary(db, runId);
  if (!summary) throw new UserError(`There is no run ${runId}; \`latent-lab runs\` lists them.`, 'not_found');
  return summary;
}
