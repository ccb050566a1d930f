import fs from 'node:fs';
import { ensureAtlasPage, itemPng as datasetItemPng } from '../dataset/atlas.ts';
import type { ApiContext } from './context.ts';

/**
 * Binary resources, addressed only by numbers (item id; dataset id, tile
 * size, page). Both the HTTP server and Electron's latent:// protocol use
 * these, so neither ever turns a URL into a file path.
 */
export function itemPng(ctx: ApiContext, itemId: number): Promise<Buffer> {
  return datasetItemPng(ctx.db, ctx.cacheDir, itemId);
}

/** A thumbnail atlas page (WebP) of a dataset, drawn on first request when the import did not draw it. */
export async function atlasPage(ctx: ApiContext, datasetId: number, tile: number, page: number): Promise<Buffer> {
  return fs.promises.readFile(await ensureAtlasPage(ctx.db, ctx.cacheDir, datasetId, tile, page));
}

const itemImage = /^\/api\/items\/(\d{1,12})\/image\.png$/;
const atlasImage = /^\/api\/datasets\/(\d{1,12})\/atlas\/(\d{1,4})\/(\d{1,9})\.webp$/;

/**
 * The image at a URL path (the same paths over HTTP and latent://app), or
 * null when the path is not an image route. The raw, still percent-encoded
 * path must match exactly, so `..`, `%2e%2e`, `%2f` or an absolute path
 * never reaches a file lookup.
 */
export async function imageAt(ctx: ApiContext, pathname: string): Promise<{ contentType: string; body: Buffer } | null> {
  const item = itemImage.exec(pathname);
  if (item) return { contentType: 'image/png', body: await itemPng(ctx, Number(item[1])) };
  const atlas = atlasImage.exec(pathname);
  if (atlas) return { contentType: 'image/webp', body: await atlasPage(ctx, Number(atlas[1]), Number(atlas[2]), Number(atlas[3])) };
  return null;
}
