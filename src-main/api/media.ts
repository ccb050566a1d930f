import sharp from 'sharp';
import { PixelCache, pixelCachePath } from '../dataset/pixel-cache.ts';
import type { ApiContext } from './context.ts';
import { notFound } from './errors.ts';

/**
 * Binary resources, addressed only by numbers (item id; dataset id, tile
 * size, page). Both the HTTP server and Electron's latent:// protocol use these,
 * so neither ever turns a URL into a file path.
 */
export async function itemPng(ctx: ApiContext, itemId: number): Promise<Buffer> {
  const row = ctx.db
    .prepare(
      `SELECT i.cache_index, i.dataset_id, d.size, d.channels FROM items i JOIN datasets d ON d.id = i.dataset_id WHERE i.id = ? AND i.status = 'ok'`,
    )
    .get(itemId) as { cache_index: number; dataset_id: number; size: number; channels: 1 | 3 } | undefined;
  if (!row) throw notFound(`Item ${itemId}`);
  const shape = { size: row.size, channels: row.channels };
  const cache = PixelCache.openReadOnly(pixelCachePath(ctx.cacheDir, row.dataset_id), shape);
  try {
    const pixels = cache.read([row.cache_index]);
    return await sharp(pixels, { raw: { width: row.size, height: row.size, channels: row.channels } }).png().toBuffer();
  } finally {
    cache.close();
  }
}
