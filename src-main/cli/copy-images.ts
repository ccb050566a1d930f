import fs from 'node:fs';
import path from 'node:path';
import type { Api } from '../api/create-api.ts';
import { UserError } from '../errors.ts';

const PAGE = 10_000;

/**
 * Copies original image files of a run's dataset into `dir`, under their
 * paths relative to the dataset folder: the given items, a saved set's, or
 * every item. Files gone from the dataset folder are listed, not fatal.
 */
export async function copyItemImages(api: Api, runId: number, dir: string, which: { items?: number[]; set?: string }): Promise<{ copied: number; missing: string[] }> {
  const { datasetId } = await api.invoke('getRun', { runId });
  const dataset = await api.invoke('getDataset', { datasetId });
  let wanted: Set<number> | null = which.items ? new Set(which.items) : null;
  if (which.set !== undefined) {
    const set = (await api.invoke('listSets', { datasetId })).find((s) => s.name === which.set);
    if (!set) throw new UserError(`--set: dataset ${datasetId} has no set named "${which.set}"`);
    wanted = new Set(set.itemIds);
  }
  const missing: string[] = [];
  let copied = 0;
  for (let offset = 0; offset < dataset.items + dataset.missing; offset += PAGE) {
    const page = await api.invoke('listItems', { datasetId, offset, limit: PAGE });
    for (const item of page.items) {
      if (wanted && !wanted.has(item.id)) continue;
      const target = path.join(dir, ...item.path.split('/'));
      try {
        await fs.promises.mkdir(path.dirname(target), { recursive: true });
        await fs.promises.copyFile(path.join(dataset.root, ...item.path.split('/')), target);
        copied++;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new UserError(`--images: cannot copy ${item.path} into ${dir}: ${(error as Error).message}`);
        missing.push(item.path);
      }
    }
    if (page.items.length < PAGE) break;
  }
  return { copied, missing };
}
