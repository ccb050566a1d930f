import { getDataset, listDatasets, type DatasetInfo } from '../../dataset/queries.ts';
import { checkQuality } from '../../dataset/quality.ts';
import type { Db } from '../../store/open.ts';
import type { DatasetDetail, DatasetSummary, ItemRow } from '../../contract/contract.ts';
import { notFound } from '../errors.ts';
import type { Handlers } from './types.ts';

function toSummary(info: DatasetInfo): DatasetSummary {
  const { id, name, root, size, channels, fit, items, missing, attributes, createdAt, updatedAt } = info;
  return { id, name, root, size, channels, fit, items, missing, attributes, createdAt, updatedAt };
}

function datasetDetail(db: Db, datasetId: number): DatasetDetail {
  if (!db.prepare('SELECT 1 FROM datasets WHERE id = ?').get(datasetId)) throw notFound(`Dataset ${datasetId}`);
  const info = getDataset(db, datasetId);
  const labels = db
    .prepare("SELECT label, count(*) AS count FROM items WHERE dataset_id = ? AND status = 'ok' GROUP BY label ORDER BY label")
    .all(datasetId) as { label: string | null; count: number }[];
  return { ...toSummary(info), labels, splits: { train: info.train, val: info.val } };
}

interface ItemDbRow extends Omit<ItemRow, 'attributes'> {
  attributes: string | null;
}

/** Datasets, their items and their degenerate images, read from the store. */
export const datasetHandlers = {
  listDatasets: (_input, ctx) => listDatasets(ctx.db).map(toSummary),
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
  quality: (input, ctx) => checkQuality(ctx.db, input.datasetId),
} satisfies Partial<Handlers>;
