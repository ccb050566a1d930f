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
