import { parentPort, workerData } from 'node:worker_threads';
import { isUserError } from '../errors.ts';
import { openStore } from '../store/open.ts';
import { findDuplicates, type DuplicatesSource } from './duplicates.ts';
import type { DuplicateReport } from '../contract/contract.ts';

export interface DuplicatesJob {
  dbPath: string;
  source: DuplicatesSource;
}

export type DuplicatesMessage = { kind: 'done'; report: DuplicateReport } | { kind: 'failed'; message: string; userError?: string };

/** Worker thread entry: one duplicate search on its own connection to the database, the report posted back. */
const { dbPath, source } = workerData as DuplicatesJob;
let message: DuplicatesMessage;
try {
  const db = openStore(dbPath);
  try {
    message = { kind: 'done', report: findDuplicates(db, source) };
  } finally {
    db.close();
  }
} catch (error) {
  const text = error instanceof Error ? error.message : String(error);
  message = { kind: 'failed', message: text, userError: isUserError(error) ? (error.code ?? 'bad_request') : undefined };
}
parentPort!.postMessage(message);
