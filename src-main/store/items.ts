import type { Db } from './open.ts';

/** What the data checks (duplicates, image quality) need of each usable item. */
export interface CheckedItem {
  id: number;
  path: string;
  split: 'train' | 'val';
  hash: string;
  cacheIndex: number;
  /** Size of the original file, before it was fitted to the dataset's square. */
  width: number;
  height: number;
}

/** A dataset's usable (status ok) items in id order. */
export function itemsToCheck(db: Db, datasetId: number): CheckedItem[] {
  return db
    .prepare(
      `SELECT id, path, split, hash, cache_index AS cacheIndex, width, height
         FROM items WHERE dataset_id = ? AND status = 'ok' ORDER BY id`,
    )
    .all(datasetId) as CheckedItem[];
}

/** The dataset a run was trained on, or undefined when there is no such run. */
export function datasetOfRun(db: Db, runId: number): number | undefined {
  return db.prepare('SELECT dataset_id FROM runs WHERE id = ?').pluck().get(runId) as number | undefined;
}
