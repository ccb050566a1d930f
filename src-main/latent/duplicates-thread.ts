import { UserError } from '../errors.ts';
import { startWorker } from '../worker-thread.ts';
import type { DuplicateReport } from '../contract/contract.ts';
import type { DuplicatesSource } from './duplicates.ts';
import type { DuplicatesJob, DuplicatesMessage } from './duplicates-worker.ts';

/**
 * findDuplicates on a worker thread with its own connection to the database: comparing candidate
 * pairs pixel by pixel is a long synchronous loop (37 s on 5,500 Adwaita icons) that would freeze a
 * server's event loop, and every image and API request with it.
 */
export function findDuplicatesInWorker(dbPath: string, source: DuplicatesSource): Promise<DuplicateReport> {
  const job: DuplicatesJob = { dbPath, source };
  const worker = startWorker(import.meta.url, 'duplicates-worker', { workerData: job });
  return new Promise<DuplicateReport>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      outcome();
    };
    worker.on('message', (message: DuplicatesMessage) => {
      if (message.kind === 'done') settle(() => resolve(message.report));
      else settle(() => reject(message.userError ? new UserError(message.message, message.userError) : new Error(message.message)));
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) => settle(() => reject(new Error(`the duplicates worker thread stopped unexpectedly (exit code ${code})`))));
  });
}
