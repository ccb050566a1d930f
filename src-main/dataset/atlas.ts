import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { UserError } from '../errors.ts';
import { datasetById } from '../store/datasets.ts';
import { cacheRecordCount, itemPixelsAt } from '../store/items.ts';
import type { Db } from '../store/open.ts';
import { PixelCache, pixelCachePath, type PixelShape } from './pixel-cache.ts';
import { resizeInto } from './resample.ts';

/**
 * Thumbnail sprite atlases: square WebP pages (at most 2048 px, so any GPU
 * takes them as one texture) of square tiles, one tile per pixel-cache record. The item with cache_index i sits on
 * page = floor(i / perPage), at column = (i % perPage) % columns and
 * row = floor((i % perPage) / columns), i.e. its top-left pixel is
 * (column * tile, row * tile). Every page has the full page size; unused
 * tiles are black.
 */
export const ATLAS_TILES = [32, 64] as const;
/**
 * The tile sizes an import draws. Larger pages cost about four times as
 * much to encode and the 3-D view uses 32 px tiles, so they are drawn on
 * first request instead (ensureAtlasPage) and kept.
 */
export const IMPORT_ATLAS_TILES = [32] as const;

export interface AtlasLayout {
  tile: number;
  columns: number;
  rows: number;
  perPage: number;
  /** Width and height of a page in pixels. */
  pagePixels: number;
}

export function atlasLayout(tile: number): AtlasLayout {
  const columns = Math.floor(2048 / tile);
  return { tile, columns, rows: columns, perPage: columns * columns, pagePixels: columns * tile };
}

export function atlasPagePath(cacheDir: string, datasetId: number, tile: number, page: number): string {
  return path.join(cacheDir, 'atlas', `dataset-${datasetId}-${tile}px-page-${page}.webp`);
}

/** Where an item's tile is: page file index and its top-left pixel on that page. */
export function atlasTile(tile: number, cacheIndex: number): { page: number; x: number; y: number } {
  const layout = atlasLayout(tile);
  const slot = cacheIndex % layout.perPage;
  return { page: Math.floor(cacheIndex / layout.perPage), x: (slot % layout.columns) * tile, y: Math.floor(slot / layout.columns) * tile };
}

export interface AtlasPageJob {
  cacheFile: string;
  shape: PixelShape;
  tile: number;
  page: number;
  /** Records in the cache that exist (tiles past this stay black). */
  records: number;
  out: string;
}

/** Draws one atlas page from the pixel cache and writes it atomically (temp file, then rename). */
export async function buildAtlasPage(job: AtlasPageJob): Promise<void> {
  const layout = atlasLayout(job.tile);
  const first = job.page * layout.perPage;
  const count = Math.max(0, Math.min(layout.perPage, job.records - first));
  const cache = PixelCache.openReadOnly(job.cacheFile, job.shape);
  const records = cache.readRange(first, count);
  cache.close();
  const { channels, size } = job.shape;
  const canvas = new Uint8Array(layout.pagePixels * layout.pagePixels * channels);
  const bytes = size * size * channels;
  for (let i = 0; i < count; i++) {
    const x = (i % layout.columns) * job.tile;
    const y = Math.floor(i / layout.columns) * job.tile;
    resizeInto(records.subarray(i * bytes, (i + 1) * bytes), size, channels, job.tile, canvas, layout.pagePixels, x, y);
  }
  fs.mkdirSync(path.dirname(job.out), { recursive: true });
  const temp = `${job.out}.${process.pid}-${crypto.randomBytes(4).toString('hex')}.tmp`;
  await sharp(canvas, { raw: { width: layout.pagePixels, height: layout.pagePixels, channels } })
    .webp({ quality: 85, effort: 0 })
    .toFile(temp);
  fs.renameSync(temp, job.out);
}

/**
 * The path of an atlas page, drawing it first if it is missing: pages of
 * tiles larger than the import draws, and pages an interrupted import had
 * deleted (an import deletes the pages whose tiles it changes and redraws
 * them at its end). Serve atlas pages through this.
 */
export async function ensureAtlasPage(db: Db, cacheDir: string, datasetId: number, tile: number, page: number): Promise<string> {
  const out = atlasPagePath(cacheDir, datasetId, tile, page);
  if (fs.existsSync(out)) return out;
  const drawing = pagesBeingDrawn.get(out);
  if (drawing) return drawing;
  const done = drawMissingPage(db, cacheDir, datasetId, tile, page, out).finally(() => pagesBeingDrawn.delete(out));
  pagesBeingDrawn.set(out, done);
  return done;
}

/** Requests for a page that is being drawn wait for that drawing. */
const pagesBeingDrawn = new Map<string, Promise<string>>();

async function drawMissingPage(db: Db, cacheDir: string, datasetId: number, tile: number, page: number, out: string): Promise<string> {
  const dataset = datasetById(db, datasetId);
  if (!dataset) throw new UserError(`No dataset with id ${datasetId}.`, 'not_found');
  if (!(ATLAS_TILES as readonly number[]).includes(tile)) throw new UserError(`Atlas tiles are ${ATLAS_TILES.join(' or ')} px, not ${tile}.`, 'not_found');
  const records = cacheRecordCount(db, datasetId);
  if (page < 0 || page * atlasLayout(tile).perPage >= records) throw new UserError(`Dataset ${datasetId} has no atlas page ${page} at ${tile} px.`, 'not_found');
  await buildAtlasPage({ cacheFile: pixelCachePath(cacheDir, datasetId), shape: { size: dataset.size, channels: dataset.channels }, tile, page, records, out });
  return out;
}

/** An item's cached (resized) pixels as a PNG, looked up by item id only. */
export async function itemPng(db: Db, cacheDir: string, itemId: number): Promise<Buffer> {
  const row = itemPixelsAt(db, itemId);
  if (!row) throw new UserError(`No item with id ${itemId}.`, 'not_found');
  const shape: PixelShape = { size: row.size, channels: row.channels };
  const cache = PixelCache.openReadOnly(pixelCachePath(cacheDir, row.datasetId), shape);
  try {
    const pixels = cache.read([row.cacheIndex]);
    const image = sharp(pixels, { raw: { width: shape.size, height: shape.size, channels: shape.channels } });
    return await (shape.channels === 1 ? image.toColourspace('b-w') : image).png().toBuffer();
  } finally {
    cache.close();
  }
}
