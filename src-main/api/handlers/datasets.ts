import { deleteDataset } from '../../dataset/delete.ts';
import { getDataset, listDatasets, resolveItem, type DatasetInfo } from '../../dataset/queries.ts';
import { readRun } from '../../engine/run-record.ts';
import { markInterruptedRuns } from '../../engine/runs.ts';
import { datasetExists } from '../../store/datasets.ts';
import { countItems, importChangeCounts, itemRows, labelCounts } from '../../store/items.ts';
import { datasetOfRun } from '../../store/runs.ts';
import { checkQuality } from '../../dataset/quality.ts';
import type { Db } from '../../store/open.ts';
import type { DatasetDetail, DatasetSummary } from '../../contract/contract.ts';
import { UserError } from '../../errors.ts';
import { notFound } from '../errors.ts';
import type { Handlers } from './types.ts';

function toSummary(info: DatasetInfo): DatasetSummary {
  const { id, name, root, size, channels, fit, background, items, missing, attributes, createdAt, updatedAt } = info;
  return { id, name, root, size, channels, fit, background, items, missing, attributes, createdAt, updatedAt };
}

function datasetDetail(db: Db, datasetId: number): DatasetDetail {
  if (!datasetExists(db, datasetId)) throw notFound(`Dataset ${datasetId}`);
  const info = getDataset(db, datasetId);
  return { ...toSummary(info), labels: labelCounts(db, datasetId), splits: { train: info.train, val: info.val }, changes: importChangeCounts(db, datasetId) };
}

/** Datasets, their items and their degenerate images, read from the store. */
export const datasetHandlers = {
  listDatasets: (_input, ctx) => listDatasets(ctx.db).map(toSummary),
  getDataset: (input, ctx) => datasetDetail(ctx.db, input.datasetId),
  listItems: (input, ctx) => {
    datasetDetail(ctx.db, input.datasetId);
    const { datasetId, offset, limit, ...filter } = input;
    return { total: countItems(ctx.db, datasetId, filter), items: itemRows(ctx.db, datasetId, filter, { limit, offset }) };
  },
  lookupItems: (input, ctx) => {
    const { datasetId } = readRun(ctx.db, input.runId);
    const ids = input.refs.map((ref) => resolveItem(ctx.db, datasetId, ref).id);
    const rows = new Map(itemRows(ctx.db, datasetId, { ids }).map((row) => [row.id, row]));
    return { items: ids.map((id) => rows.get(id)!) };
  },
  deleteDataset: (input, ctx) => {
    // a run left 'running' by a trainer that died does not block deletion
    markInterruptedRuns(ctx.db);
    const trainingHere = [...ctx.trainings.keys()].filter((runId) => datasetOfRun(ctx.db, runId) === input.datasetId);
    if (trainingHere.length > 0) throw new UserError(`Run ${trainingHere.join(', ')} of dataset ${input.datasetId} is training; stop it before deleting the dataset.`, 'busy');
    const deleted = deleteDataset(ctx.db, ctx.cacheDir, input.datasetId);
    ctx.storeWatch.check();
    return { deleted: true as const, ...deleted };
  },
  quality: (input, ctx) => checkQuality(ctx.db, input.datasetId),
} satisfies Partial<Handlers>;
