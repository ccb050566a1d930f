import type { ImportChanges, ItemRow } from '../contract/contract.ts';
import type { Db } from './open.ts';

/** Typed queries on the items table: pages of items as the API shows them, and the import's record of changes. */

export interface ItemConversionColumns {
  format: string;
  upscaled: boolean;
  cropped: number;
  fromColour: boolean;
  matte: string | null;
}

/** How an item was changed on import; filters for listing items. */
export type ItemChange = 'upscaled' | 'cropped' | 'fromColour' | 'transparent';

/** SQL conditions for each change (items imported before these were recorded match none). */
export const itemChangeSql: Record<ItemChange, string> = {
  upscaled: 'upscaled = 1',
  cropped: 'cropped > 0',
  fromColour: 'from_colour = 1',
  transparent: 'matte IS NOT NULL',
};


export function importChangeCounts(db: Db, datasetId: number): ImportChanges {
  const counts = db
    .prepare(
      `SELECT count(*) FILTER (WHERE ${itemChangeSql.transparent}) AS transparent, count(*) FILTER (WHERE ${itemChangeSql.upscaled}) AS upscaled,
              count(*) FILTER (WHERE ${itemChangeSql.cropped}) AS cropped, count(*) FILTER (WHERE ${itemChangeSql.fromColour}) AS fromColour
       FROM items WHERE dataset_id = ? AND status = 'ok'`,
    )
    .get(datasetId) as { transparent: number; upscaled: number; cropped: number; fromColour: number };
  const groups = (column: string) =>
    Object.fromEntries(
      (db.prepare(`SELECT ${column} AS key, count(*) AS n FROM items WHERE dataset_id = ? AND status = 'ok' AND ${column} IS NOT NULL GROUP BY ${column} ORDER BY n DESC`).all(datasetId) as {
        key: string;
        n: number;
      }[]).map((row) => [row.key, row.n]),
    );
  return { ...counts, mattes: groups('matte'), formats: groups('format') };
}

/** Which items of a dataset to list; every field narrows the list. */
export interface ItemFilter {
  /** null: items without a label. */
  label?: string | null;
  split?: 'train' | 'val';
  /** Case-insensitive substring of the path. */
  search?: string;
  changed?: ItemChange;
  ids?: number[];
}

interface ItemDbRow extends Omit<ItemRow, 'attributes' | 'upscaled' | 'fromColour'> {
  attributes: string | null;
  upscaled: number | null;
  fromColour: number | null;
}

const flag = (value: number | null) => (value === null ? null : value === 1);

function whereOf(datasetId: number, filter: ItemFilter): { sql: string; params: (string | number)[] } {
  const where = ['dataset_id = ?'];
  const params: (string | number)[] = [datasetId];
  const add = (clause: string, ...values: (string | number)[]) => {
    where.push(clause);
    params.push(...values);
  };
  if (filter.label === null) add('label IS NULL');
  else if (filter.label !== undefined) add('label = ?', filter.label);
  if (filter.split) add('split = ?', filter.split);
  if (filter.search) add('instr(lower(path), lower(?)) > 0', filter.search);
  if (filter.changed) add(itemChangeSql[filter.changed]);
  if (filter.ids) add(`id IN (SELECT value FROM json_each(?))`, JSON.stringify(filter.ids));
  return { sql: where.join(' AND '), params };
}

export function countItems(db: Db, datasetId: number, filter: ItemFilter = {}): number {
  const where = whereOf(datasetId, filter);
  return db.prepare(`SELECT count(*) FROM items WHERE ${where.sql}`).pluck().get(...where.params) as number;
}

/** Items in id order, as the API's ItemRow. */
export function itemRows(db: Db, datasetId: number, filter: ItemFilter = {}, page: { limit: number; offset: number } = { limit: -1, offset: 0 }): ItemRow[] {
  const where = whereOf(datasetId, filter);
  const rows = db
    .prepare(
      `SELECT id, path, label, attributes, split, width, height, status, cache_index AS slot,
              format, upscaled, cropped, from_colour AS fromColour, matte
       FROM items WHERE ${where.sql} ORDER BY id LIMIT ? OFFSET ?`,
    )
    .all(...where.params, page.limit, page.offset) as ItemDbRow[];
  return rows.map((row) => ({
    ...row,
    attributes: row.attributes === null ? null : (JSON.parse(row.attributes) as Record<string, number>),
    upscaled: flag(row.upscaled),
    fromColour: flag(row.fromColour),
  }));
}

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

/** Luma statistics of one image that the degenerate-image checks read, stored per item at import. */
export interface QualityFeatures {
  /** Standard deviation of the luma (0-255). */
  std: number;
  /** 1st and 99th percentiles of the luma. */
  p01: number;
  p99: number;
  /** Shannon entropy of the 256-level luma histogram, in bits. */
  entropy: number;
  /** log(1 + variance of the 4-neighbour Laplacian): low on blurry images. */
  sharpness: number;
}

/** A dataset's usable items with their stored quality features (null: imported before they were stored). */
export function itemsWithQuality(db: Db, datasetId: number): (CheckedItem & { features: QualityFeatures | null })[] {
  const rows = db
    .prepare(
      `SELECT id, path, split, hash, cache_index AS cacheIndex, width, height,
              luma_std AS std, luma_p01 AS p01, luma_p99 AS p99, luma_entropy AS entropy, sharpness
         FROM items WHERE dataset_id = ? AND status = 'ok' ORDER BY id`,
    )
    .all(datasetId) as (CheckedItem & { [K in keyof QualityFeatures]: number | null })[];
  return rows.map(({ std, p01, p99, entropy, sharpness, ...item }) => ({
    ...item,
    features: std === null || p01 === null || p99 === null || entropy === null || sharpness === null ? null : { std, p01, p99, entropy, sharpness },
  }));
}

/** Stores quality features of items imported before they were computed at import. */
export function writeQualityFeatures(db: Db, rows: { id: number; features: QualityFeatures }[]): void {
  const update = db.prepare(
    `UPDATE items SET luma_std = @std, luma_p01 = @p01, luma_p99 = @p99, luma_entropy = @entropy, sharpness = @sharpness WHERE id = @id`,
  );
  db.transaction(() => rows.forEach(({ id, features }) => update.run({ id, ...features })))();
}

/** The dataset a run was trained on, or undefined when there is no such run. */
export function datasetOfRun(db: Db, runId: number): number | undefined {
  return db.prepare('SELECT dataset_id FROM runs WHERE id = ?').pluck().get(runId) as number | undefined;
}
