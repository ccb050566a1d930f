import type { Db } from '../../store/open.ts';
import type { DatasetDetail, DatasetSummary, ItemRow } from '../contract.ts';
import { notFound } from '../errors.ts';
import type { Handlers } from './types.ts';

interface DatasetRow {
  id: number;
  name: string;
  root: string;
  size: number;
  channels: 1 | 3;
  fit: 'cover' | 'contain';
  attributes: string;
  created_at: string;
  updated_at: string;
  items: number;
  missing: number;
}

const datasetSql = `
  SELECT d.*, 
    (SELECT count(*) FROM items i WHERE i.dataset_id = d.id AND i.status = 'ok') AS items,
    (SELECT count(*) FROM items i WHERE i.dataset_id = d.id AND i.status = 'missing') AS missing
  FROM datasets d`;

function toSummary(row: DatasetRow): DatasetSummary {
  return {
    id: row.id,
    name: row.name,
    root: row.root,
    size: row.size,
    channels: row.channels,
    fit: row.fit,
    items: row.items,
    missing: row.missing,
    attributes: JSON.parse(row.attributes) as string[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function datasetDetail(db: Db, datasetId: number): DatasetDetail {
  const row = db.prepare(`${datasetSql} WHERE d.id = ?`).get(datasetId) as DatasetRow | undefined;
  if (!row) throw notFound(`Dataset ${datasetId}`);
  const labels = db
    .prepare("SELECT label, count(*) AS count FROM items WHERE dataset_id = ? AND status = 'ok' GROUP BY label ORDER BY label")
    .all(datasetId) as { label: string | null; count: number }[];
  const splits = { train: 0, val: 0 };
  for (const split of db.prepare("SELECT split, count(*) AS n FROM items WHERE dataset_id = ? AND status = 'ok' GROUP BY split").all(datasetId) as {
    split: 'train' | 'val';
    n: number;
  }[]) {
    splits[split.split] = split.n;
  }
  return { ...toSummary(row), labels, splits };
}

interface ItemDbRow extends Omit<ItemRow, 'attributes'> {
  attributes: string | null;
}

/** Datasets and their items, read from the store. */
export const datasetHandlers = {
  listDatasets: (_input, ctx) => (ctx.db.prepare(`${datasetSql} ORDER BY d.id`).all() as DatasetRow[]).map(toSummary),
  getDataset: (input, ctx) => datasetDetail(ctx.db, input.datasetId),
  listItems: (input, ctx) => {
    datasetDetail(ctx.db, input.datasetId);
    const where = ['dataset_id = ?'];
    const params: (string | number)[] = [input.datasetId];
    const add = (clause: string, ...values: (string | number)[]) => {
      where.push(clause);
      params.push(...values);
    };
    if (input.label === null) add('label IS NULL');
    else if (input.label !== undefined) add('label = ?', input.label);
    if (input.split) add('split = ?', input.split);
    if (input.search) add('instr(lower(path), lower(?)) > 0', input.search);
    const filter = where.join(' AND ');
    const total = (ctx.db.prepare(`SELECT count(*) AS n FROM items WHERE ${filter}`).get(...params) as { n: number }).n;
    const rows = ctx.db
      .prepare(`SELECT id, path, label, attributes, split, width, height, status, cache_index AS slot FROM items WHERE ${filter} ORDER BY id LIMIT ? OFFSET ?`)
      .all(...params, input.limit, input.offset) as ItemDbRow[];
    const items = rows.map((row) => ({ ...row, attributes: row.attributes === null ? null : (JSON.parse(row.attributes) as Record<string, number>) }));
    return { total, items };
  },
} satisfies Partial<Handlers>;
