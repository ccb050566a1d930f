import type { QualityCheck, QualityReport } from '../contract/contract.ts';
import { cacheDirFor } from '../paths.ts';
import { itemsWithQuality, writeQualityFeatures, type QualityFeatures } from '../store/items.ts';
import type { Db } from '../store/open.ts';
import { PixelCache, pixelCachePath, type PixelShape } from './pixel-cache.ts';
import { pixelFeatures } from './pixel-features.ts';
import { getDataset } from './queries.ts';

/** Limits of the degenerate-image checks (CleanVision's checks, on the decoded pixels the model sees). */
export const QUALITY_LIMITS = {
  /** Standard deviation of the luma (0-255) below which an image is (nearly) one flat colour. */
  constant: 2,
  /** Dark: even its brightest 1% is darker than this luma; light: even its darkest 1% is lighter than this. */
  dark: 40,
  light: 215,
  /** Shannon entropy of the 256-level luma histogram, in bits, below which an image carries little information. */
  lowInformation: 1.5,
  /** Blurry: log variance of the Laplacian this many robust standard deviations below the dataset's median. */
  blurry: 3.5,
  /** The original's longer side was less than this fraction of the stored size: upscaled from a tiny image. */
  upscaled: 0.5,
  /** Longer over shorter side of the original above which fitting it to a square cropped or padded much of it. */
  aspect: 2,
};

const READ_CHUNK = 1024;

/**
 * Each item's quality features: stored at import; items imported before they were
 * stored are computed from the cached pixels once, and stored.
 */
function withFeatures(db: Db, datasetId: number, shape: PixelShape, items: ReturnType<typeof itemsWithQuality>): QualityFeatures[] {
  const missing = items.filter((item) => item.features === null);
  if (missing.length) {
    const computed: { id: number; features: QualityFeatures }[] = [];
    const cache = PixelCache.openReadOnly(pixelCachePath(cacheDirFor(db.name), datasetId), shape);
    try {
      for (let start = 0; start < missing.length; start += READ_CHUNK) {
        const chunk = missing.slice(start, start + READ_CHUNK);
        const pixels = cache.read(chunk.map((item) => item.cacheIndex));
        chunk.forEach((item, i) => computed.push({ id: item.id, features: pixelFeatures(pixels.subarray(i * cache.recordBytes, (i + 1) * cache.recordBytes), shape) }));
      }
    } finally {
      cache.close();
    }
    writeQualityFeatures(db, computed);
    const byId = new Map(computed.map((row) => [row.id, row.features]));
    return items.map((item) => item.features ?? byId.get(item.id)!);
  }
  return items.map((item) => item.features!);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : NaN;
}

/**
 * Degenerate images of a dataset: flat, dark, light, low-information and
 * blurry ones from the luma features stored at import (no pixels read), upscaled
 * tiny originals and extreme aspect ratios from the original sizes.
 */
export function checkQuality(db: Db, datasetIdOrName: number | string): QualityReport {
  const dataset = getDataset(db, datasetIdOrName);
  const items = itemsWithQuality(db, dataset.id);
  const features = withFeatures(db, dataset.id, { size: dataset.size, channels: dataset.channels }, items);
  const sharpness = features.map((f) => f.sharpness);
  const mid = median(sharpness);
  const spread = 1.4826 * median(sharpness.map((v) => Math.abs(v - mid))) || 1;
  const blurLimit = mid - QUALITY_LIMITS.blurry * spread;
  const L = QUALITY_LIMITS;
  const ratio = (w: number, h: number) => Math.max(w, h) / Math.max(1, Math.min(w, h));

  const check = (name: QualityCheck['name'], description: string, value: (i: number) => number, flagged: (v: number) => boolean, worstFirst: 1 | -1): QualityCheck => {
    const hits = items.flatMap((item, i) => {
      const v = value(i);
      return flagged(v) ? [{ id: item.id, path: item.path, value: Number(v.toPrecision(4)) }] : [];
    });
    hits.sort((a, b) => worstFirst * (b.value - a.value) || a.id - b.id);
    return { name, description, count: hits.length, items: hits };
  };
  const checks = [
    check('constant', `one flat colour: luma standard deviation below ${L.constant}`, (i) => features[i].std, (v) => v < L.constant, -1),
    check('dark', `very dark: the brightest 1% darker than ${L.dark} of 255`, (i) => features[i].p99, (v) => v < L.dark, -1),
    check('light', `very light: the darkest 1% lighter than ${L.light} of 255`, (i) => features[i].p01, (v) => v > L.light, 1),
    check('low_information', `little information: luma histogram entropy below ${L.lowInformation} bits`, (i) => features[i].entropy, (v) => v < L.lowInformation, -1),
    check('blurry', `blurry: log Laplacian variance ${L.blurry} robust SDs below the dataset's median (below ${blurLimit.toFixed(2)})`, (i) => sharpness[i], (v) => v < blurLimit, -1),
    check('upscaled', `upscaled: the original's longer side under ${L.upscaled * dataset.size} px (value: that side)`, (i) => Math.max(items[i].width, items[i].height), (v) => v < L.upscaled * dataset.size, -1),
    check('odd_aspect', `extreme aspect ratio, ${dataset.fit === 'cover' ? 'cropped' : 'padded'} to a square: longer side over ${L.aspect}x the shorter`, (i) => ratio(items[i].width, items[i].height), (v) => v > L.aspect, 1),
  ];
  return { datasetId: dataset.id, checked: items.length, checks };
}
