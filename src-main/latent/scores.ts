import type { RunScores } from '../contract/contract.ts';
import { UserError } from '../errors.ts';
import type { Db } from '../store/open.ts';

export type { RunScores };

/** The error for a run without scores: it does not exist, or has not finished training. */
export function noScoresError(db: Db, runId: number): UserError {
  const run = db.prepare('SELECT status FROM runs WHERE id = ?').get(runId) as { status: string } | undefined;
  if (!run) return new UserError(`There is no run ${runId}; \`latent-lab runs\` lists them.`, 'not_found');
  return new UserError(`Run ${runId} has no scores yet (status: ${run.status}); they are written when training finishes.`, 'not_trained');
}

/** float64 scores to 7 significant digits: plenty to colour by, and half the JSON of a full double. */
const compact = (value: number) => Number(value.toPrecision(7));

/** All of a run's scores at once, for colouring every point of a projection. */
export function runScores(db: Db, runId: number): RunScores {
  const rows = db.prepare('SELECT item_id, recon_error, neg_elbo FROM scores WHERE run_id = ? ORDER BY item_id').raw().all(runId) as [number, number, number | null][];
  if (rows.length === 0) throw noScoresError(db, runId);
  const hasElbo = rows.every((row) => row[2] !== null);
  return {
    runId,
    score: hasElbo ? 'neg_elbo' : 'recon_error',
    itemIds: rows.map((row) => row[0]),
    reconError: rows.map((row) => compact(row[1])),
    negElbo: hasElbo ? rows.map((row) => compact(row[2]!)) : null,
  };
}
