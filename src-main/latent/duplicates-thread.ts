import { UserError } from '../errors.ts';
import { runWorkerJob } from '../worker-thread.ts';
import type { DuplicateReport } from '../contract/contract.ts';
import type { DuplicatesSource } from './duplicates.ts';
import type { DuplicatesJob, DuplicatesMessage } from './duplicates-worker.ts';

/**
 * findDuplicates on a worker thread with its own connection to the database: comparing candidate
 * pairs pixel by pixel is a long synchronous loop (19 s on 5,500 Adwaita icons) that would freeze a
 * server's event loop, and every image and API request with it.
 */
export function findDuplicatesInWorker(dbPath: string, source: DuplicatesSource): Promise<DuplicateReport> {
  const job: DuplicatesJob = { dbPath, source };
  return runWorkerJob<DuplicateReport, DuplicatesMessage>(
    import.meta.url,
    'duplicates-worker',
    job,
    (message) =>
      message.kind === 'done'
        ? { value: message.report }
        : { error: message.userError ? new UserError(message.message, message.userError) : new Error(message.message) },
    { what: 'the duplicates worker thread' },
  );
}
