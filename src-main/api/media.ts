import fs from 'node:fs';
import { ATLAS_TILES, atlasPagePath, itemPng as datasetItemPng } from '../dataset/atlas.ts';
import type { ApiContext } from './context.ts';
import { notFound } from './errors.ts';

/**
 * Binary resources, addressed only by numbers (item id; dataset id, tile
 * size, page). Both the HTTP server and Electron's latent:// protocol use
 * these, so neither ever turns a URL into a file path.
 */
export function itemPng(ctx: ApiContext, itemId: number): Promise<Buffer> {
  return datasetItemPng(ctx.db, ctx.cacheDir, itemId);
}

/** A thumbnail atlas page (WebP) of a dataset. */
export async function atlasPage(ctx: ApiContext, datasetId: number, tile: number, page: number): Promise<Buffer> {
  const known = ctx.db.prepare('SELECT 1 FROM datasets WHERE id = ?').get(datasetId) !== undefined;
  if (!known || !(ATLAS_TILES as readonly number[]).includes(tile)) throw notFound(`Atlas ${datasetId}/${tile}`);
  try {
    return await fs.promises.readFile(atlasPagePath(ctx.cacheDir, datasetId, tile, page));
  } catch {
    throw notFound(`Atlas page ${page} of dataset ${datasetId} at ${tile} px`);
  }
}
