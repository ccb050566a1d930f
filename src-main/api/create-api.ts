import { setRunStatus } from '../store/runs.ts';
import { ApiCallError, UserError } from '../errors.ts';
import { cacheDirFor } from '../paths.ts';
import { openStore } from '../store/open.ts';
import type { ApiInput, ApiOutput, ApiResult } from '../contract/contract.ts';
import { inputSchemas } from '../contract/contract.ts';
import type { ApiContext, ApiHost } from './context.ts';
import { consoleLogger, toErrorBody, type Logger } from './errors.ts';
import { EventHub } from './events.ts';
import { RunCache } from './run-cache.ts';
import { watchStore } from './store-watch.ts';
import { appHandlers } from './handlers/app.ts';
import { datasetHandlers } from './handlers/datasets.ts';
import { importHandlers } from './handlers/imports.ts';
import { latentHandlers } from './handlers/latent.ts';
import { runHandlers } from './handlers/runs.ts';
import { setHandlers } from './handlers/sets.ts';
import { trainingHandlers } from './handlers/training.ts';
import type { Handler, Handlers } from './handlers/types.ts';
import { isMethodName, type MethodName } from '../contract/method-names.ts';

/** Every method's implementation; a method missing here is a compile error. */
export const handlers: Handlers = { ...appHandlers, ...datasetHandlers, ...importHandlers, ...runHandlers, ...trainingHandlers, ...latentHandlers, ...setHandlers };

export interface ApiOptions {
  dbPath: string;
  host: ApiHost;
  log?: Logger;
  /** Trainings running at once; more wait as queued runs. Default LATENT_LAB_MAX_TRAININGS, else 1. */
  maxTrainings?: number;
}

/** LATENT_LAB_MAX_TRAININGS, checked: a whole number of 1 or more. */
export function maxTrainingsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.LATENT_LAB_MAX_TRAININGS;
  if (text === undefined || text === '') return 1;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UserError(`LATENT_LAB_MAX_TRAININGS must be a whole number of 1 or more, not "${text}".`);
  return value;
}

/** The one API object every front door wraps. */
export interface Api {
  /** For transports: an untrusted method name and input in, a result or an error body out; never throws. */
  call(method: string, input: unknown): Promise<ApiResult<unknown>>;
  /** For in-process callers: typed, throws ApiCallError on failure. */
  invoke<M extends MethodName>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>>;
  readonly events: EventHub;
  readonly context: ApiContext;
  /** Stops background work and closes the database. */
  close(): Promise<void>;
}

export function createApi(options: ApiOptions): Api {
  const log = options.log ?? consoleLogger;
  const events = new EventHub(log);
  const db = openStore(options.dbPath);
  const context: ApiContext = {
    dbPath: options.dbPath,
    cacheDir: cacheDirFor(options.dbPath),
    db,
    events,
    // a CLI command's API lives for one command: only windows and servers need to hear other processes
    storeWatch: watchStore(db, events, { poll: options.host.kind !== 'cli' }),
    host: options.host,
    log,
    imports: new Map(),
    trainings: new Map(),
    maxTrainings: options.maxTrainings ?? maxTrainingsFromEnv(),
    queuedTrainings: [],
    projections: new Set(),
    runs: new RunCache(db),
  };

  async function call(method: string, input: unknown): Promise<ApiResult<unknown>> {
    if (!isMethodName(method)) return { error: { code: 'unknown_method', message: `There is no API method named "${method.slice(0, 100)}".` } };
    try {
      const parsed = inputSchemas[method].parse(input ?? {});
      const handler = handlers[method] as Handler<MethodName>;
      return { result: await handler(parsed as never, context) };
    } catch (error) {
      return { error: toErrorBody(error, log, method) };
    }
  }

  return {
    call,
    async invoke(method, input) {
      const outcome = await call(method, input);
      if ('error' in outcome) throw new ApiCallError(outcome.error.code, outcome.error.message);
      return outcome.result as never;
    },
    events,
    context,
    async close() {
      for (const controller of context.imports.values()) controller.abort();
      for (const controller of context.projections) controller.abort();
      // Waiting runs never started: they stay resumable, as runs cut short by a closing app.
      for (const runId of context.queuedTrainings.splice(0)) setRunStatus(context.db, runId, 'interrupted', { pid: null, error: 'Latent Lab closed before it started' });
      const trainings = [...context.trainings.values()];
      for (const training of trainings) training.stop();
      await Promise.allSettled(trainings.map((training) => training.done));
      context.storeWatch.stop();
      context.runs.dispose();
      context.db.close();
    },
  };
}
