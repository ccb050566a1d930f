import { launchTraining, type LaunchOptions, type TrainingHandle } from '../../engine/launcher.ts';
import { MODEL_FAMILIES } from '../../engine/models/registry.ts';
import type { ApiContext } from '../context.ts';
import { getRunRow } from './run-rows.ts';
import type { Handlers } from './types.ts';

/** Forwards a trainer's events to every front door, and forgets the trainer when it exits. */
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
    });
}

async function launch(ctx: ApiContext, options: Omit<LaunchOptions, 'dbPath' | 'fork'>): Promise<{ runId: number }> {
  const handle = launchTraining({ ...options, dbPath: ctx.dbPath, fork: ctx.host.fork });
  const runId = await handle.runId;
  track(ctx, runId, handle);
  return { runId };
}

/** Models, and training runs in a separate process: start, stop, resume. */
export const trainingHandlers = {
  listModels: () =>
    Object.values(MODEL_FAMILIES).map(({ name, description, variational, conditional, conv, closedForm }) => ({ name, description, variational, conditional, conv, closedForm })),
  startTraining: (input, ctx) => launch(ctx, { dataset: input.datasetId, config: input.config }),
  resumeTraining: (input, ctx) => launch(ctx, { resume: input.runId, config: { epochs: input.epochs, backend: input.backend } }),
  stopTraining: (input, ctx) => {
    const training = ctx.trainings.get(input.runId);
    if (!training) getRunRow(ctx.db, input.runId);
    training?.stop();
    return { stopping: training !== undefined };
  },
} satisfies Partial<Handlers>;
