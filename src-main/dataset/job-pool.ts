import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../worker-thread.ts';
import { runJob, type Job, type ResultOf } from './jobs.ts';

/** Runs import jobs with some parallelism; `close` ends any threads it started. */
export interface JobRunner {
  readonly parallelism: number;
  run<J extends Job>(job: J): Promise<ResultOf<J>>;
  close(): Promise<void>;
}

export const defaultParallelism = Math.max(1, os.availableParallelism());

/**
 * Jobs run on the main thread, several at a time: sharp runs each decode on
 * libuv's thread pool, so `parallelism` jobs in flight use that many cores.
 */
export function inProcessRunner(parallelism = defaultParallelism): JobRunner {
  return { parallelism, run: (job) => runJob(job), close: async () => {} };
}

interface Pending {
  resolve: (value: never) => void;
  reject: (error: Error) => void;
}

/** One worker thread per core, each running its jobs one after another. */
export function workerRunner(threads = defaultParallelism): JobRunner {
  const workers: { worker: Worker; busy: number }[] = [];
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let closed = false;

  const start = () => {
    const worker = startWorker(import.meta.url, 'job-worker');
    const slot = { worker, busy: 0 };
    worker.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: string }) => {
      const job = pending.get(id);
      pending.delete(id);
      slot.busy--;
      if (error !== undefined) job?.reject(new Error(error));
      else job?.resolve(result as never);
    });
    // A thread that dies fails every job in flight (the import reports it) and is replaced on the next job.
    const fail = (error: Error) => {
      const at = workers.indexOf(slot);
      if (at >= 0) workers.splice(at, 1);
      for (const job of pending.values()) job.reject(error);
      pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!closed && workers.includes(slot)) fail(new Error(`an import worker thread stopped unexpectedly (exit code ${code})`));
    });
    workers.push(slot);
    return slot;
  };

  return {
    parallelism: threads,
    run<J extends Job>(job: J): Promise<ResultOf<J>> {
      if (closed) return Promise.reject(new Error('job pool is closed'));
      const slot = workers.length < threads ? start() : workers.reduce((a, b) => (b.busy < a.busy ? b : a));
      const id = nextId++;
      slot.busy++;
      return new Promise<ResultOf<J>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: never) => void, reject });
        slot.worker.postMessage({ id, job });
      });
    },
    async close() {
      closed = true;
      await Promise.all(workers.map((slot) => slot.worker.terminate()));
    },
  };
}
