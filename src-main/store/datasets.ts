import type { DatasetSummary } from '../contract/contract.ts';
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
  /** Names of the attributes its items may carry. */
  attributes: string[];
}

function toRecord(row: (Omit<DatasetRecord, 'attributes'> & { attributes: string }) | undefined): DatasetRecord | undefined {
  return row && { ...row, attributes: JSON.parse(row.attributes) as string[] };
}

const recordColumns = 'id, name, root, size, channels, fit, background, seed, val_fraction, attributes';

export function datasetByName(db: Db, name: string): DatasetRecord | undefined {
  return toRecord(db.prepare(`SELECT ${recordColumns} FROM datasets WHERE name = ?`).get(name) as Parameters<typeof toRecord>[0]);
}

export function datasetById(db: Db, id: number): DatasetRecord | undefined {
  return toRecord(db.prepare(`SELECT ${recordColumns} FROM datasets WHERE id = ?`).get(id) as Parameters<typeof toRecord>[0]);
}

/** Every dataset imported from this folder, oldest first. */
export function datasetsOfFolder(db: Db, root: string): DatasetRecord[] {
  return (db.prepare(`SELECT ${recordColumns} FROM datasets WHERE root = ? ORDER BY id`).all(root) as Parameters<typeof toRecord>[0][]).map((row) => toRecord(row)!);
}

export function datasetExists(db: Db, id: number): boolean {
  return db.prepare('SELECT 1 FROM datasets WHERE id = ?').get(id) !== undefined;
}

/** Every dataset's name, oldest first. */
export function datasetNames(db: Db): string[] {
  return db.prepare('SELECT name FROM datasets ORDER BY id').pluck().all() as string[];
}

export function setDatasetAttributeNames(db: Db, id: number, names: string[]): void {
  db.prepare('UPDATE datasets SET attributes = ? WHERE id = ?').run(JSON.stringify(names), id);
}

/** Marks the dataset changed (caches of what is computed from its items compare this). */
export function touchDataset(db: Db, id: number): void {
  db.prepare(`UPDATE datasets SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ') WHERE id = ?`).run(id);
}

/** A dataset with its item counts and labels (status ok items only, except `missing`): the contract's summary and more. */
export interface DatasetStats extends DatasetSummary {
  seed: number;
  valFraction: number;
  train: number;
  val: number;
  labels: string[];
}

const statsSql = `
  SELECT d.id, d.name, d.root, d.size, d.channels, d.fit, d.background, d.seed, d.val_fraction AS valFraction,
         d.attributes, d.created_at AS createdAt, d.updated_at AS updatedAt,
         count(i.id) FILTER (WHERE i.status = 'ok') AS items,
         count(i.id) FILTER (WHERE i.status = 'ok' AND i.split = 'train') AS train,
         count(i.id) FILTER (WHERE i.status = 'ok' AND i.split = 'val') AS val,
         count(i.id) FILTER (WHERE i.status = 'missing') AS missing,
         (SELECT json_group_array(label) FROM (SELECT DISTINCT label FROM items
            WHERE dataset_id = d.id AND status = 'ok' AND label IS NOT NULL ORDER BY label)) AS labels
  FROM datasets d LEFT JOIN items i ON i.dataset_id = d.id`;

type StatsRow = Omit<DatasetStats, 'attributes' | 'labels'> & { attributes: string; labels: string };

function toStats(row: StatsRow): DatasetStats {
  return { ...row, attributes: JSON.parse(row.attributes) as string[], labels: JSON.parse(row.labels) as string[] };
}

export function allDatasetStats(db: Db): DatasetStats[] {
  return (db.prepare(`${statsSql} GROUP BY d.id ORDER BY d.id`).all() as StatsRow[]).map(toStats);
}

export function datasetStats(db: Db, key: { id: number } | { name: string }): DatasetStats | undefined {
  const row = db.prepare(`${statsSql} WHERE ${'id' in key ? 'd.id = ?' : 'd.name = ?'} GROUP BY d.id`).get('id' in key ? key.id : key.name) as StatsRow | undefined;
  return row && toStats(row);
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
