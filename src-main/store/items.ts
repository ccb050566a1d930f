import type { ImportChanges, ItemRow } from '../contract/contract.ts';
import { inTransaction, type Db } from './open.ts';

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

const checkedColumns = 'id, path, split, hash, cache_index AS cacheIndex, width, height';

/** A dataset's usable (status ok) items in id order. */
export function itemsToCheck(db: Db, datasetId: number): CheckedItem[] {
  return db.prepare(`SELECT ${checkedColumns} FROM items WHERE dataset_id = ? AND status = 'ok' ORDER BY id`).all(datasetId) as CheckedItem[];
}

/** The sorted distinct labels of a dataset's usable items (also the cvae's one-hot order). */
export function datasetLabels(db: Db, datasetId: number): string[] {
  return db.prepare("SELECT DISTINCT label FROM items WHERE dataset_id = ? AND status = 'ok' AND label IS NOT NULL ORDER BY label").pluck().all(datasetId) as string[];
}

/** How many usable items carry each label (null: unlabelled), by label. */
export function labelCounts(db: Db, datasetId: number): { label: string | null; count: number }[] {
  return db.prepare("SELECT label, count(*) AS count FROM items WHERE dataset_id = ? AND status = 'ok' GROUP BY label ORDER BY label").all(datasetId) as {
    label: string | null;
    count: number;
  }[];
}

/** How many usable training images a dataset has (what the recommended recipe is sized by). */
export function trainingItemCount(db: Db, datasetId: number): number {
  return db.prepare("SELECT count(*) FROM items WHERE dataset_id = ? AND status = 'ok' AND split = 'train'").pluck().get(datasetId) as number;
}

export function unlabelledItemCount(db: Db, datasetId: number): number {
  return db.prepare("SELECT count(*) FROM items WHERE dataset_id = ? AND status = 'ok' AND label IS NULL").pluck().get(datasetId) as number;
}

/** Items by status (usable, missing from the folder). */
export function itemStatusCounts(db: Db, datasetId: number): { ok: number; missing: number } {
  const counts = db.prepare(`SELECT sum(status = 'ok') AS ok, sum(status = 'missing') AS missing FROM items WHERE dataset_id = ?`).get(datasetId) as {
    ok: number | null;
    missing: number | null;
  };
  return { ok: counts.ok ?? 0, missing: counts.missing ?? 0 };
}

/** How many records the dataset's pixel cache holds (one past the highest cache index). */
export function cacheRecordCount(db: Db, datasetId: number): number {
  return ((db.prepare('SELECT max(cache_index) FROM items WHERE dataset_id = ?').pluck().get(datasetId) as number | null) ?? -1) + 1;
}

/** A dataset's usable items and their cache records, in cache order. */
export function usableItemSlots(db: Db, datasetId: number): { id: number; slot: number }[] {
  return db.prepare("SELECT id, cache_index AS slot FROM items WHERE dataset_id = ? AND status = 'ok' ORDER BY cache_index").all(datasetId) as { id: number; slot: number }[];
}

/** What training reads of each usable item of a split ('all' = both), in id order. */
export function trainingItems(db: Db, datasetId: number, split: 'train' | 'val' | 'all'): { id: number; cacheIndex: number; label: string | null }[] {
  return db
    .prepare(`SELECT id, cache_index AS cacheIndex, label FROM items WHERE dataset_id = ? AND status = 'ok' ${split === 'all' ? '' : 'AND split = ?'} ORDER BY id`)
    .all(...(split === 'all' ? [datasetId] : [datasetId, split])) as { id: number; cacheIndex: number; label: string | null }[];
}

/** Every item's label and attributes JSON, in no particular order. */
export function itemLabelsAndAttributes(db: Db, datasetId: number): Iterable<[id: number, label: string | null, attributes: string | null]> {
  return db.prepare('SELECT id, label, attributes FROM items WHERE dataset_id = ?').raw().iterate(datasetId) as Iterable<[number, string | null, string | null]>;
}

/** The label of each item (null: unlabelled or no such item), in the order given. */
export function labelsOfItems(db: Db, itemIds: readonly number[]): (string | null)[] {
  const labelOf = db.prepare('SELECT label FROM items WHERE id = ?').pluck();
  return itemIds.map((id) => (labelOf.get(id) as string | null | undefined) ?? null);
}

/** Where an item's pixels are: its cache record and its dataset's image shape. */
export function itemPixelsAt(db: Db, itemId: number): { cacheIndex: number; datasetId: number; size: number; channels: 1 | 3 } | undefined {
  return db
    .prepare('SELECT i.cache_index AS cacheIndex, d.id AS datasetId, d.size, d.channels FROM items i JOIN datasets d ON d.id = i.dataset_id WHERE i.id = ?')
    .get(itemId) as { cacheIndex: number; datasetId: number; size: number; channels: 1 | 3 } | undefined;
}

/** An item as the rooms below the API see it (dataset/queries.ts). */
export interface ItemRecord {
  id: number;
  path: string;
  label: string | null;
  attributes: Record<string, 0 | 1> | null;
  split: 'train' | 'val';
  cacheIndex: number;
  status: 'ok' | 'missing';
  width: number;
  height: number;
}

const recordColumns = `id, path, label, attributes, split, cache_index AS cacheIndex, status, width, height`;

function toRecord(row: Omit<ItemRecord, 'attributes'> & { attributes: string | null }): ItemRecord {
  return { ...row, attributes: row.attributes === null ? null : (JSON.parse(row.attributes) as Record<string, 0 | 1>) };
}

/** Items of a dataset in id order; missing items are included unless `status` says otherwise. */
export function itemRecords(db: Db, datasetId: number, filter: { status?: 'ok' | 'missing'; split?: 'train' | 'val' } = {}): ItemRecord[] {
  const where = ['dataset_id = @datasetId'];
  if (filter.status) where.push('status = @status');
  if (filter.split) where.push('split = @split');
  return (db.prepare(`SELECT ${recordColumns} FROM items WHERE ${where.join(' AND ')} ORDER BY id`).all({ datasetId, ...filter }) as Parameters<typeof toRecord>[0][]).map(toRecord);
}

/** One item of a dataset by id or by its path relative to the dataset folder. */
export function itemRecord(db: Db, datasetId: number, key: { id: number } | { path: string }): ItemRecord | undefined {
  const row = ('id' in key
    ? db.prepare(`SELECT ${recordColumns} FROM items WHERE dataset_id = ? AND id = ?`).get(datasetId, key.id)
    : db.prepare(`SELECT ${recordColumns} FROM items WHERE dataset_id = ? AND path = ?`).get(datasetId, key.path)) as Parameters<typeof toRecord>[0] | undefined;
  return row && toRecord(row);
}

/** What an import knows of a file already in the dataset. */
export interface KnownItem {
  id: number;
  path: string;
  hash: string;
  status: 'ok' | 'missing';
}

export function knownItems(db: Db, datasetId: number): KnownItem[] {
  return db.prepare('SELECT id, path, hash, status FROM items WHERE dataset_id = ?').all(datasetId) as KnownItem[];
}

/** A decoded file's record in the pixel cache, what the import did to it and its quality features. */
export interface StoredPixels extends QualityFeatures {
  hash: string;
  width: number;
  height: number;
  index: number;
  format: string;
  upscaled: number;
  cropped: number;
  fromColour: number;
  matte: string | null;
}

export interface NewItem extends StoredPixels {
  datasetId: number;
  path: string;
  label: string | null;
  attributes: string | null;
  split: 'train' | 'val';
}

/** The import's writes to items, prepared once; run them inside a transaction. */
export function itemWriters(db: Db) {
  const insert = db.prepare(
    `INSERT INTO items (dataset_id, path, label, attributes, split, hash, width, height, cache_index, format, upscaled, cropped, from_colour, matte,
                        luma_std, luma_p01, luma_p99, luma_entropy, sharpness)
     VALUES (@datasetId, @path, @label, @attributes, @split, @hash, @width, @height, @index, @format, @upscaled, @cropped, @fromColour, @matte,
             @std, @p01, @p99, @entropy, @sharpness)`,
  );
  const update = db.prepare(
    `UPDATE items SET hash = @hash, width = @width, height = @height, cache_index = @index, status = 'ok',
       format = @format, upscaled = @upscaled, cropped = @cropped, from_colour = @fromColour, matte = @matte,
       luma_std = @std, luma_p01 = @p01, luma_p99 = @p99, luma_entropy = @entropy, sharpness = @sharpness WHERE id = @id`,
  );
  const setStatus = db.prepare('UPDATE items SET status = ? WHERE id = ?');
  const setAttributes = db.prepare('UPDATE items SET attributes = ? WHERE id = ?');
  return {
    insert: (row: NewItem) => void insert.run(row),
    /** New pixels for a known item, which is usable again. */
    update: (id: number, pixels: StoredPixels) => void update.run({ ...pixels, id }),
    setStatus: (id: number, status: 'ok' | 'missing') => void setStatus.run(status, id),
    setAttributes: (id: number, attributes: string | null) => void setAttributes.run(attributes, id),
  };
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
      `SELECT ${checkedColumns},
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
  inTransaction(db, () => rows.forEach(({ id, features }) => update.run({ id, ...features })));
}
