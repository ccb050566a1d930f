import { UserError } from '../../errors.ts';
import { cacheDirFor } from '../../paths.ts';
import { PixelCache, pixelCachePath } from '../../dataset/pixel-cache.ts';
import { trainingItems } from '../../store/items.ts';
import type { Db } from '../../store/open.ts';
import type { ImageShape } from '../config.ts';

/** Items of one split, parallel arrays in item id order. */
export interface ItemSet {
  itemIds: Int32Array;
  cacheIndex: Int32Array;
  /** Index into the run's label list, or -1 for an unlabelled item. */
  labelIndex: Int32Array;
}

/** Usable items of a split ('all' = both), ordered by id. */
export function loadItems(db: Db, datasetId: number, split: 'train' | 'val' | 'all', labels: string[]): ItemSet {
  const rows = trainingItems(db, datasetId, split);
  const position = new Map(labels.map((l, i) => [l, i]));
  return {
    itemIds: Int32Array.from(rows, (r) => r.id),
    cacheIndex: Int32Array.from(rows, (r) => r.cacheIndex),
    labelIndex: Int32Array.from(rows, (r) => (r.label === null ? -1 : (position.get(r.label) ?? -1))),
  };
}

// Splits up to this size are read into memory once; larger ones stream from the cache per batch.
const PRELOAD_BYTES = 512 * 1024 * 1024;

/** Reads batches of [0, 1] pixels for one item set from the dataset's pixel cache. */
export class BatchReader {
  private readonly memory: Uint8Array | null;
  private readonly recordBytes: number;

  constructor(
    private readonly cache: PixelCache,
    private readonly items: ItemSet,
  ) {
    this.recordBytes = cache.recordBytes;
    this.memory = items.cacheIndex.length * this.recordBytes <= PRELOAD_BYTES ? cache.read(items.cacheIndex) : null;
  }

  get length(): number {
    return this.items.cacheIndex.length;
  }

  /** Pixels of the items at `positions` (indices into the item set), as floats in [0, 1]. */
  read(positions: ArrayLike<number>): Float32Array {
    const bytes = this.recordBytes;
    const out = new Float32Array(positions.length * bytes);
    if (this.memory) {
      for (let i = 0; i < positions.length; i++) {
        const src = positions[i] * bytes;
        for (let j = 0; j < bytes; j++) out[i * bytes + j] = this.memory[src + j] / 255;
      }
      return out;
    }
    const raw = this.cache.read(Array.from(positions, (p) => this.items.cacheIndex[p]));
    for (let k = 0; k < raw.length; k++) out[k] = raw[k] / 255;
    return out;
  }
}

/** Opens the dataset's pixel cache read-only, checking it holds every record the items point at. */
export function openPixels(dbPath: string, datasetId: number, shape: ImageShape, items: ItemSet): PixelCache {
  const file = pixelCachePath(cacheDirFor(dbPath), datasetId);
  let cache: PixelCache;
  try {
    cache = PixelCache.openReadOnly(file, shape);
  } catch {
    throw new UserError(`The pixel cache of dataset ${datasetId} (${file}) is missing; import the dataset again.`, 'cache_missing');
  }
  const highest = items.cacheIndex.reduce((a, b) => Math.max(a, b), -1);
  if (highest >= cache.records) {
    cache.close();
    throw new UserError(`The pixel cache ${file} is shorter than the dataset (no record ${highest}); import the dataset again.`, 'cache_missing');
  }
  return cache;
}
