import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { activeRunIds, datasetById, deleteDatasetRows } from '../store/datasets.ts';
import type { Db } from '../store/open.ts';
import { atlasPagePath } from './atlas.ts';
import { folderImportRunning } from './import-lock.ts';
import { pixelCachePath } from './pixel-cache.ts';

/**
 * Deletes a dataset: its row, and through foreign keys its items, runs and
 * everything hanging off them (metrics, weights, codes, scores,
 * projections), then its pixel cache and atlas pages. Refused while a run of
 * it trains or its folder is being imported. Rows go first: a file left by a
 * failed removal is never read again, since dataset ids are not reused.
 */
export function deleteDataset(db: Db, cacheDir: string, datasetId: number): { items: number; runs: number; files: number } {
  const dataset = datasetById(db, datasetId);
  if (!dataset) throw new UserError(`No dataset with id ${datasetId}.`, 'not_found');
  const training = activeRunIds(db, datasetId);
  if (training.length > 0) throw new UserError(`Dataset "${dataset.name}" has run ${training.join(', ')} training; stop it before deleting the dataset.`, 'busy');
  const importer = folderImportRunning(cacheDir, dataset.root);
  if (importer !== null) throw new UserError(`An import of ${dataset.root} is running (process ${importer}); wait for it or stop it before deleting "${dataset.name}".`, 'busy');
  const { items, runs } = deleteDatasetRows(db, datasetId);
  return { items, runs, files: removeCacheFiles(cacheDir, datasetId) };
}

/** The dataset's pixel cache and every atlas page of it (any tile size), with temporary files of pages being drawn. */
function removeCacheFiles(cacheDir: string, datasetId: number): number {
  const atlasDir = path.dirname(atlasPagePath(cacheDir, datasetId, 32, 0));
  const prefix = `dataset-${datasetId}-`;
  const pages = fs.existsSync(atlasDir) ? fs.readdirSync(atlasDir).filter((f) => f.startsWith(prefix)).map((f) => path.join(atlasDir, f)) : [];
  const files = [pixelCachePath(cacheDir, datasetId), ...pages].filter((f) => fs.existsSync(f));
  for (const file of files) fs.rmSync(file, { force: true });
  return files.length;
}
