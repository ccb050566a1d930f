import path from 'node:path';
import { PixelCache, pixelCachePath } from '../../src-main/dataset/pixel-cache.ts';
import { cacheDirFor } from '../../src-main/paths.ts';
import { seededRandom } from '../../src-main/random.ts';
import { openStore } from '../../src-main/store/open.ts';

export const SHAPES = ['blob', 'hbar', 'vbar'] as const;

export interface SyntheticOptions {
  size?: number;
  channels?: 1 | 3;
  count?: number;
  /** Every n-th image goes to the validation split (0: none). */
  valEvery?: number;
  seed?: number;
  name?: string;
}

export interface SyntheticItem {
  id: number;
  label: (typeof SHAPES)[number];
  /** Position of the shape in [0.2, 0.8] of the image, and its brightness in [0.5, 1]. */
  position: number;
  brightness: number;
  bright: 0 | 1;
  split: 'train' | 'val';
  pixels: Float32Array;
}

export interface SyntheticDataset {
  dbPath: string;
  datasetId: number;
  size: number;
  channels: 1 | 3;
  items: SyntheticItem[];
}

/** One image: a soft blob, horizontal bar or vertical bar at `position`, with `brightness`. */
export function drawShape(label: SyntheticItem['label'], position: number, brightness: number, size: number, channels: 1 | 3): Float32Array {
  const out = new Float32Array(size * size * channels);
  const centre = position * (size - 1);
  const width = size / 8;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const mid = (size - 1) / 2;
      const d2 = label === 'blob' ? ((x - centre) ** 2 + (y - mid) ** 2) / 2 : label === 'hbar' ? (y - centre) ** 2 : (x - centre) ** 2;
      const v = brightness * Math.exp(-d2 / (2 * width * width));
      for (let c = 0; c < channels; c++) out[(y * size + x) * channels + c] = channels === 3 ? v * (0.6 + 0.2 * c) : v;
    }
  }
  return out;
}

/**
 * Writes a dataset of generated images straight into a database and its pixel cache
 * (rows as the import would write them): three labelled shapes with known position and
 * brightness factors and one binary attribute `bright`.
 */
export function createSyntheticDataset(dbPath: string, options: SyntheticOptions = {}): SyntheticDataset {
  const size = options.size ?? 12;
  const channels = options.channels ?? 1;
  const count = options.count ?? 300;
  const valEvery = options.valEvery ?? 5;
  const random = seededRandom(options.seed ?? 7);
  const db = openStore(dbPath);
  const name = options.name ?? `synthetic-${size}`;
  const datasetId = Number(
    db
      .prepare("INSERT INTO datasets (name, root, size, channels, fit, seed, val_fraction, attributes) VALUES (?, ?, ?, ?, 'cover', 0, ?, ?)")
      .run(name, path.join(path.dirname(dbPath), name), size, channels, valEvery ? 1 / valEvery : 0, JSON.stringify(['bright'])).lastInsertRowid,
  );
  const cache = PixelCache.open(pixelCachePath(cacheDirFor(dbPath), datasetId), { size, channels });
  const insert = db.prepare(
    'INSERT INTO items (dataset_id, path, label, attributes, split, hash, width, height, cache_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const items: SyntheticItem[] = [];
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const label = SHAPES[i % SHAPES.length];
      const position = 0.2 + 0.6 * random();
      const brightness = 0.5 + 0.5 * random();
      const bright = brightness > 0.75 ? 1 : 0;
      const split = valEvery && i % valEvery === valEvery - 1 ? 'val' : 'train';
      const pixels = drawShape(label, position, brightness, size, channels);
      cache.write(i, Uint8Array.from(pixels, (v) => Math.round(v * 255)));
      const id = Number(
        insert.run(datasetId, `${label}/${i}.png`, label, JSON.stringify({ bright }), split, `hash-${i}`, size, size, i).lastInsertRowid,
      );
      items.push({ id, label, position, brightness, bright, split, pixels: Float32Array.from(pixels, (v) => Math.round(v * 255) / 255) });
    }
    cache.sync();
  })();
  cache.close();
  db.close();
  return { dbPath, datasetId, size, channels, items };
}
