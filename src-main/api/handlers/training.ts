import { prepareTraining, startTrainer, type LaunchOptions, type TrainingHandle } from '../../engine/launcher.ts';
import { MODEL_FAMILIES } from '../../engine/models/registry.ts';
import { setRunStatus } from '../../store/runs.ts';
import type { ApiContext } from '../context.ts';
import { getRunRow } from './run-rows.ts';
import type { Handlers } from './types.ts';

/** Forwards a trainer's events to every front door, forgets the trainer when it exits, and starts the next queued run. */
function track(ctx: ApiContext, runId: number, handle: TrainingHandle): void {
  ctx.trainings.set(runId, handle);
  let lastStatus = '';
  const stopListening = handle.onEvent((event) => {
    if (event.type === 'progress') {
      const { type: _type, ...progress } = event;
      ctx.events.emit('train.progress', { runId, ...progress });
    } else if (event.type === 'epoch') {
      const { type: _type, epochs: _epochs, ...metrics } = event;
      ctx.events.emit('train.epoch', { runId, ...metrics });
    } else if (event.type === 'log') {
      ctx.events.emit('train.log', { runId, message: event.message });
    } else if (event.type === 'status') {
      lastStatus = event.status;
      ctx.events.emit('run.status', { runId, status: event.status, error: null, backend: event.backend ?? null, note: event.note ?? null });
    }
  });
  handle.done
    .then((summary) => {
      // The trainer usually announced its final status itself; a crash or kill is only known here.
      if (summary.status !== lastStatus) ctx.events.emit('run.status', { runId, status: summary.status, error: summary.error, backend: summary.backend, note: null });
    })
    .catch((error: unknown) => ctx.log(`run ${runId} ended badly`, error))
    .finally(() => {
      stopListening();
      ctx.trainings.delete(runId);
      ctx.storeWatch.check();
      startQueued(ctx);
    });
}

/** Starts waiting runs while there are free slots (ctx.maxTrainings trainer processes at most). */
function startQueued(ctx: ApiContext): void {
  while (ctx.trainings.size < ctx.maxTrainings && ctx.queuedTrainings.length > 0) {
    const runId = ctx.queuedTrainings.shift()!;
    try {
      track(ctx, runId, startTrainer(ctx.dbPath, runId, ctx.host.fork));
    } catch (error) {
      setRunStatus(ctx.db, runId, 'failed', { pid: null, error: `the trainer did not start: ${(error as Error).message}` });
      ctx.events.emit('run.status', { runId, status: 'failed', error: (error as Error).message, backend: null, note: null });
    }
  }
}

/** Records the run (validated, memory checked), then starts it, or queues it behind the running ones. */
function launch(ctx: ApiContext, options: Omit<LaunchOptions, 'dbPath' | 'fork'>): { runId: number } {
  const runId = prepareTraining({ ...options, dbPath: ctx.dbPath });
  ctx.queuedTrainings.push(runId);
  startQueued(ctx);
  ctx.storeWatch.check();
  if (ctx.queuedTrainings.includes(runId)) {
    const ahead = ctx.queuedTrainings.indexOf(runId) + ctx.trainings.size;
    ctx.events.emit('run.status', { runId, status: 'queued', error: null, backend: null, note: `waiting for ${ahead} run(s) to finish` });
  }
  return { runId };
}

/** Models, and training runs in separate processes: start (or queue), stop (or cancel), resume. */
export const trainingHandlers = {
  listModels: () =>
    Object.values(MODEL_FAMILIES).map(({ name, description, variational, conditional, conv, closedForm }) => ({ name, description, variational, conditional, conv, closedForm })),
  startTraining: (input, ctx) => launch(ctx, { dataset: input.datasetId, config: input.config }),
  resumeTraining: (input, ctx) => launch(ctx, { resume: input.runId, config: { epochs: input.epochs, backend: input.backend } }),
  stopTraining: (input, ctx) => {
    const waiting = ctx.queuedTrainings.indexOf(input.runId);
    if (waiting >= 0) {
      // A queued run never started: stopping it cancels it.
      ctx.queuedTrainings.splice(waiting, 1);
      setRunStatus(ctx.db, input.runId, 'stopped', { pid: null, error: null });
      ctx.events.emit('run.status', { runId: input.runId, status: 'stopped', error: null, backend: null, note: 'cancelled before it started' });
      return { stopping: true };
    }
    const training = ctx.trainings.get(input.runId);
    if (!training) getRunRow(ctx.db, input.runId);
    training?.stop();
    return { stopping: training !== undefined };
  },
} satisfies Partial<Handlers>;
