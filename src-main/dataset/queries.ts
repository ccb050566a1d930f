import { UserError } from '../errors.ts';
import type { Db } from '../store/open.ts';
import type { AttributeValues } from './attributes.ts';
import type { Fit } from './decode.ts';
import type { Split } from './split.ts';

/** Read-only views of datasets and items for the other rooms (API, engine, latent tools). */
export interface DatasetInfo {
  id: number;
  name: string;
  root: string;
  size: number;
  channels: 1 | 3;
  fit: Fit;
  /** What transparency was composited onto: #rrggbb, or auto. */
  background: string;
  seed: number;
  valFraction: number;
  attributes: string[];
  /** Items with status ok, and how many of them are in each split. */
  items: number;
  train: number;
  val: number;
  missing: number;
  labels: string[];
  createdAt: string;
  updatedAt: string;
}

export interface ItemInfo {
  id: number;
  path: string;
  label: string | null;
  attributes: AttributeValues | null;
  split: Split;
  cacheIndex: number;
  status: 'ok' | 'missing';
  width: number;
  height: number;
}

const datasetSql = `
  SELECT d.id, d.name, d.root, d.size, d.channels, d.fit, d.background, d.seed, d.val_fraction AS valFraction,
         d.attributes, d.created_at AS createdAt, d.updated_at AS updatedAt,
         count(i.id) FILTER (WHERE i.status = 'ok') AS items,
         count(i.id) FILTER (WHERE i.status = 'ok' AND i.split = 'train') AS train,
         count(i.id) FILTER (WHERE i.status = 'ok' AND i.split = 'val') AS val,
         count(i.id) FILTER (WHERE i.status = 'missing') AS missing,
         (SELECT json_group_array(label) FROM (SELECT DISTINCT label FROM items
            WHERE dataset_id = d.id AND status = 'ok' AND label IS NOT NULL ORDER BY label)) AS labels
  FROM datasets d LEFT JOIN items i ON i.dataset_id = d.id`;

type DatasetRow = Omit<DatasetInfo, 'attributes' | 'labels'> & { attributes: string; labels: string };

function toInfo(row: DatasetRow): DatasetInfo {
  return { ...row, attributes: JSON.parse(row.attributes) as string[], labels: JSON.parse(row.labels) as string[] };
}

export function listDatasets(db: Db): DatasetInfo[] {
  return (db.prepare(`${datasetSql} GROUP BY d.id ORDER BY d.id`).all() as DatasetRow[]).map(toInfo);
}

/** A dataset by numeric id or by name; a UserError names what was not found. */
export function getDataset(db: Db, idOrName: number | string): DatasetInfo {
  const byId = typeof idOrName === 'number' || /^\d+$/.test(idOrName);
  const row = db.prepare(`${datasetSql} WHERE ${byId ? 'd.id = ?' : 'd.name = ?'} GROUP BY d.id`).get(byId ? Number(idOrName) : idOrName) as DatasetRow | undefined;
  if (!row && byId && typeof idOrName === 'string') {
    const named = db.prepare(`${datasetSql} WHERE d.name = ? GROUP BY d.id`).get(idOrName) as DatasetRow | undefined;
    if (named) return toInfo(named);
  }
  if (!row) {
    const names = (db.prepare('SELECT name FROM datasets ORDER BY id').pluck().all() as string[]).map((n) => `"${n}"`);
    throw new UserError(
      `No dataset ${byId ? 'with id' : 'named'} ${typeof idOrName === 'string' && !byId ? `"${idOrName}"` : idOrName}. ` +
        (names.length ? `Datasets: ${names.join(', ')}.` : 'There are no datasets yet: run latent-lab import <folder> or latent-lab demo.'),
      'not_found',
    );
  }
  return toInfo(row);
}

const itemColumns = `id, path, label, attributes, split, cache_index AS cacheIndex, status, width, height`;
type ItemRow = Omit<ItemInfo, 'attributes'> & { attributes: string | null };

function toItem(row: ItemRow): ItemInfo {
  return { ...row, attributes: row.attributes === null ? null : (JSON.parse(row.attributes) as AttributeValues) };
}

/** Items of a dataset in id order; missing items are included unless `status` says otherwise. */
export function listItems(db: Db, datasetId: number, filter: { status?: 'ok' | 'missing'; split?: Split } = {}): ItemInfo[] {
  const where = ['dataset_id = @datasetId'];
  if (filter.status) where.push('status = @status');
  if (filter.split) where.push('split = @split');
  return (db.prepare(`SELECT ${itemColumns} FROM items WHERE ${where.join(' AND ')} ORDER BY id`).all({ datasetId, ...filter }) as ItemRow[]).map(toItem);
}

/** One item of a dataset by id or by its path relative to the dataset folder. */
export function resolveItem(db: Db, datasetId: number, idOrRelativePath: number | string): ItemInfo {
  let row: ItemRow | undefined;
  if (typeof idOrRelativePath === 'number' || /^\d+$/.test(idOrRelativePath)) {
    row = db.prepare(`SELECT ${itemColumns} FROM items WHERE dataset_id = ? AND id = ?`).get(datasetId, Number(idOrRelativePath)) as ItemRow | undefined;
  }
  if (!row && typeof idOrRelativePath === 'string') {
    const rel = idOrRelativePath.replace(/\\/g, '/').replace(/^\.\//, '');
    row = db.prepare(`SELECT ${itemColumns} FROM items WHERE dataset_id = ? AND path = ?`).get(datasetId, rel) as ItemRow | undefined;
  }
  if (!row) throw new UserError(`Dataset ${datasetId} has no item ${typeof idOrRelativePath === 'string' ? `"${idOrRelativePath}"` : idOrRelativePath} (give an item id or a path relative to the dataset folder).`, 'not_found');
  return toItem(row);
}
