import { UserError } from '../errors.ts';
import { allDatasetStats, datasetNames, datasetStats, type DatasetStats } from '../store/datasets.ts';
import { itemRecord, itemRecords, type ItemRecord } from '../store/items.ts';
import type { Db } from '../store/open.ts';

/** Read-only views of datasets and items for the other rooms (API, engine, latent tools), with errors meant for people. */
export type DatasetInfo = DatasetStats;
export type ItemInfo = ItemRecord;

export const listDatasets = allDatasetStats;

/** A dataset by numeric id or by name; a UserError names what was not found. */
export function getDataset(db: Db, idOrName: number | string): DatasetInfo {
  const byId = typeof idOrName === 'number' || /^\d+$/.test(idOrName);
  const row = datasetStats(db, byId ? { id: Number(idOrName) } : { name: String(idOrName) });
  if (!row && byId && typeof idOrName === 'string') {
    const named = datasetStats(db, { name: idOrName });
    if (named) return named;
  }
  if (!row) {
    const names = datasetNames(db).map((n) => `"${n}"`);
    throw new UserError(
      `No dataset ${byId ? 'with id' : 'named'} ${typeof idOrName === 'string' && !byId ? `"${idOrName}"` : idOrName}. ` +
        (names.length ? `Datasets: ${names.join(', ')}.` : 'There are no datasets yet: run latent-lab import <folder> or latent-lab demo.'),
      'not_found',
    );
  }
  return row;
}

/** Items of a dataset in id order; missing items are included unless `status` says otherwise. */
export const listItems = itemRecords;

/** One item of a dataset by id or by its path relative to the dataset folder. */
export function resolveItem(db: Db, datasetId: number, idOrRelativePath: number | string): ItemInfo {
  let row: ItemInfo | undefined;
  if (typeof idOrRelativePath === 'number' || /^\d+$/.test(idOrRelativePath)) row = itemRecord(db, datasetId, { id: Number(idOrRelativePath) });
  if (!row && typeof idOrRelativePath === 'string') row = itemRecord(db, datasetId, { path: idOrRelativePath.replace(/\\/g, '/').replace(/^\.\//, '') });
  if (!row) throw new UserError(`Dataset ${datasetId} has no item ${typeof idOrRelativePath === 'string' ? `"${idOrRelativePath}"` : idOrRelativePath} (give an item id or a path relative to the dataset folder).`, 'not_found');
  return row;
}
