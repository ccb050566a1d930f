import { parentPort } from 'node:worker_threads';
import { runJob, type Job } from './jobs.ts';

/** Worker thread entry: runs import jobs one at a time and posts back results or an error message. */
parentPort!.on('message', async ({ id, job }: { id: number; job: Job }) => {
  try {
    parentPort!.postMessage({ id, result: await runJob(job) });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
