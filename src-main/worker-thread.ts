import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * The entry module `name` beside the caller (`callerUrl` is its import.meta.url): `name.ts` in a source
 * checkout, `name.js` beside a bundle (out/cli, out/electron).
 */
export function siblingEntry(callerUrl: string, name: string): { url: string; fromSource: boolean } {
  const fromSource = callerUrl.endsWith('.ts');
  return { url: new URL(`./${name}${fromSource ? '.ts' : '.js'}`, callerUrl).href, fromSource };
}

/**
 * Starts a worker thread on the module `name` beside the caller (`callerUrl`
 * is the caller's import.meta.url): `name.ts` in a source checkout, `name.js`
 * beside a bundle. A source checkout runs TypeScript through tsx, so the
 * thread registers the same loader before loading its entry.
 */
export function startWorker(callerUrl: string, name: string, options: WorkerOptions = {}): Worker {
  const { url: entry, fromSource } = siblingEntry(callerUrl, name);
  const bootstrap = fromSource
    ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`
    : `import(${JSON.stringify(entry)});`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/** How a job's message settles it: with a value, with an error, or not yet (progress). */
export type WorkerOutcome<T> = { value: T } | { error: Error } | undefined;

/**
 * Runs one job on a worker thread (see startWorker) and settles once: `onMessage` reads each message
 * the thread posts; an error, or the thread exiting before it settled, rejects (`what` names the thread
 * in that message). Settling terminates the thread. Aborting `signal` terminates it and rejects with the
 * signal's reason.
 */
export function runWorkerJob<T, Message>(
  callerUrl: string,
  name: string,
  workerData: unknown,
  onMessage: (message: Message) => WorkerOutcome<T>,
  options: { what: string; signal?: AbortSignal },
): Promise<T> {
  const { what, signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason as Error);
  const worker = startWorker(callerUrl, name, { workerData });
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', abort);
      void worker.terminate();
      outcome();
    };
    const abort = () => settle(() => reject(signal!.reason as Error));
    signal?.addEventListener('abort', abort, { once: true });
    worker.on('message', (message: Message) => {
      if (settled) return;
      const outcome = onMessage(message);
      if (outcome === undefined) return;
      settle(() => ('error' in outcome ? reject(outcome.error) : resolve(outcome.value)));
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) => settle(() => reject(new Error(`${what} stopped unexpectedly (exit code ${code})`))));
  });
}
