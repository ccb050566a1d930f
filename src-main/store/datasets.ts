import type { Db } from './open.ts';

/** Typed queries on the datasets table (and what hangs off a dataset) for import and deletion. */

export interface DatasetRecord {
  id: number;
  name: string;
  root: string;
  size: number;
  channels: 1 | 3;
  fit: 'cover' | 'contain';
  background: string;
  seed: number;
  val_fraction: number;
}

export function datasetByName(db: Db, name: string): DatasetRecord | undefined {
  return db.prepare('SELECT * FROM datasets WHERE name = ?').get(name) as DatasetRecord | undefined;
}

export function datasetById(db: Db, id: number): DatasetRecord | undefined {
  return db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as DatasetRecord | undefined;
}

/** Every dataset imported from this folder, oldest first. */
export function datasetsOfFolder(db: Db, root: string): DatasetRecord[] {
  return db.prepare('SELECT * FROM datasets WHERE root = ? ORDER BY id').all(root) as DatasetRecord[];
}

export function isNameTaken(db: Db, name: string): boolean {
  return db.prepare('SELECT 1 FROM datasets WHERE name = ?').get(name) !== undefined;
}

export function insertDataset(db: Db, row: Pick<DatasetRecord, 'name' | 'root' | 'size' | 'channels' | 'fit' | 'background'>): DatasetRecord {
  const id = Number(db.prepare('INSERT INTO datasets (name, root, size, channels, fit, background) VALUES (@name, @root, @size, @channels, @fit, @background)').run(row).lastInsertRowid);
  return datasetById(db, id)!;
}

/** Runs of the dataset that a trainer process may be writing to right now. */
export function activeRunIds(db: Db, datasetId: number): number[] {
  return db.prepare("SELECT id FROM runs WHERE dataset_id = ? AND status IN ('queued', 'running')").pluck().all(datasetId) as number[];
}

/**
 * Deletes the dataset row; foreign keys cascade to its items and runs, and
 * from those to metrics, weights, embeddings, scores and projections.
 * Returns how many items and runs went with it.
 */
export function deleteDatasetRows(db: Db, datasetId: number): { items: number; runs: number } {
  return db.transaction(() => {
    const items = db.prepare('SELECT count(*) FROM items WHERE dataset_id = ?').pluck().get(datasetId) as number;
    const runs = db.prepare('SELECT count(*) FROM runs WHERE dataset_id = ?').pluck().get(datasetId) as number;
    db.prepare('DELETE FROM datasets WHERE id = ?').run(datasetId);
    return { items, runs };
  })();
}

/** Cheap fingerprints of the datasets and runs tables, to notice changes made by other connections. */
export function tableFingerprints(db: Db): { datasets: string; runs: string } {
  return {
    datasets: JSON.stringify(db.prepare('SELECT count(*), max(id), max(updated_at) FROM datasets').raw().get()),
    // epochs_done moves on every epoch, which does not touch updated_at
    runs: JSON.stringify(db.prepare('SELECT count(*), max(id), max(updated_at), sum(epochs_done) FROM runs').raw().get()),
  };
}

/** SQLite's counter of commits made by other connections (PRAGMA data_version). */
export function dataVersion(db: Db): number {
  return db.pragma('data_version', { simple: true }) as number;
}
