import { markInterruptedRuns } from '../../engine/runs.ts';
import { UserError } from '../../errors.ts';
import { deleteRun, renameRun } from '../../store/runs.ts';
import { getRunRow, listRunRows } from './run-rows.ts';
import type { Handlers } from './types.ts';

/** Stored runs: list, inspect, rename, delete. */
export const runHandlers = {
  listRuns: (input, ctx) => {
    markInterruptedRuns(ctx.db);
    return listRunRows(ctx.db, input.datasetId);
  },
  getRun: (input, ctx) => {
    markInterruptedRuns(ctx.db);
    return getRunRow(ctx.db, input.runId);
  },
  renameRun: (input, ctx) => {
    getRunRow(ctx.db, input.runId);
    renameRun(ctx.db, input.runId, input.name);
    ctx.storeWatch.check();
    const { metrics: _metrics, ...summary } = getRunRow(ctx.db, input.runId);
    return summary;
  },
  deleteRun: (input, ctx) => {
    const run = getRunRow(ctx.db, input.runId);
    if (ctx.trainings.has(input.runId) || run.status === 'running' || ctx.queuedTrainings.includes(input.runId)) {
      throw new UserError(`Run ${input.runId} is still ${run.status === 'queued' ? 'queued' : 'training'}; stop it before deleting it.`, 'busy');
    }
    deleteRun(ctx.db, input.runId);
    ctx.storeWatch.check();
    return { deleted: true };
  },
} satisfies Partial<Handlers>;
