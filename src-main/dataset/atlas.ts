import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { UserError } from '../errors.ts';
import type { Db } from '../store/open.ts';
import { PixelCache, pixelCachePath, type PixelShape } from './pixel-cache.ts';
import { resizeInto } from './resample.ts';

/**
 * Thumbnail sprite atlases: square WebP pages of square tiles, one tile per
 * pixel-cache record. The item with cache_index i sits on
 * page = floor(i / perPage), at column = (i % perPage) % columns and
 * row = floor((i % perPage) / columns), i.e. its top-left pixel is
 * (column * tile, row * tile). Every page has the full page size; unused
 * tiles are black.
 */
export const ATLAS_TILES = [32, 96] as const;

export interface AtlasLayout {
  tile: number;
  columns: number;
  rows: number;
  perPage: number;
  /** Width and height of a page in pixels. */
  pagePixels: number;
}

export function atlasLayout(tile: number): AtlasLayout {
  const columns = Math.min(64, Math.floor(3072 / tile));
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
  const records = cache.read(Array.from({ length: count }, (_, i) => first + i));
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
  const temp = `${job.out}.${process.pid}.tmp`;
  await sharp(canvas, { raw: { width: layout.pagePixels, height: layout.pagePixels, channels } })
    .webp({ quality: 85, effort: 1 })
    .toFile(temp);
  fs.renameSync(temp, job.out);
}

/** The atlas pages (of every tile size) that hold the given cache indices. */
export function atlasPagesFor(cacheIndices: Iterable<number>): { tile: number; page: number }[] {
  const pages: { tile: number; page: number }[] = [];
  for (const tile of ATLAS_TILES) {
    const perPage = atlasLayout(tile).perPage;
    const set = new Set<number>();
    for (const i of cacheIndices) set.add(Math.floor(i / perPage));
    for (const page of [...set].sort((a, b) => a - b)) pages.push({ tile, page });
  }
  return pages;
}

/** An item's cached (resized) pixels as a PNG, looked up by item id only. */
export async function itemPng(db: Db, cacheDir: string, itemId: number): Promise<Buffer> {
  const row = db
    .prepare(
      `SELECT i.cache_index AS cacheIndex, d.id AS datasetId, d.size, d.channels
       FROM items i JOIN datasets d ON d.id = i.dataset_id WHERE i.id = ?`,
    )
    .get(itemId) as { cacheIndex: number; datasetId: number; size: number; channels: 1 | 3 } | undefined;
  if (!row) throw new UserError(`No item with id ${itemId}.`, 'not_found');
  const shape: PixelShape = { size: row.size, channels: row.channels };
  const cache = PixelCache.openReadOnly(pixelCachePath(cacheDir, row.datasetId), shape);
  try {
    const pixels = cache.read([row.cacheIndex]);
    return await sharp(pixels, { raw: { width: shape.size, height: shape.size, channels: shape.channels } }).png().toBuffer();
  } finally {
    cache.close();
  }
}
