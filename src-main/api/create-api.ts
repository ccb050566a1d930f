import { cacheDirFor } from '../paths.ts';
import { openStore } from '../store/open.ts';
import type { ApiInput, ApiOutput, ApiResult } from '../contract/contract.ts';
import { inputSchemas } from '../contract/contract.ts';
import type { ApiContext, ApiHost } from './context.ts';
import { consoleLogger, toErrorBody, type Logger } from './errors.ts';
import { EventHub } from './events.ts';
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

export class ApiCallError extends Error {
  override name = 'ApiCallError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function createApi(options: ApiOptions): Api {
  const log = options.log ?? consoleLogger;
  const events = new EventHub(log);
  const context: ApiContext = {
    dbPath: options.dbPath,
    cacheDir: cacheDirFor(options.dbPath),
    db: openStore(options.dbPath),
    events,
    host: options.host,
    log,
    imports: new Map(),
    trainings: new Map(),
    projections: new Set(),
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
      const trainings = [...context.trainings.values()];
      for (const training of trainings) training.stop();
      await Promise.allSettled(trainings.map((training) => training.done));
      context.db.close();
    },
  };
}
