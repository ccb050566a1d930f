import { DEFAULT_NEAR_DIFFERENCE, type DuplicateGroup, type DuplicateReport } from '../contract/contract.ts';
import { PixelCache, pixelCachePath } from '../dataset/pixel-cache.ts';
import { alignedDifference, comparable, COMPARED_SIDE, FINGERPRINT_LENGTH, luma, shiftInvariantFingerprint } from '../dataset/pixel-features.ts';
import { getDataset } from '../dataset/queries.ts';
import { UserError } from '../errors.ts';
import { cacheDirFor } from '../paths.ts';
import { itemsToCheck, type CheckedItem } from '../store/items.ts';
import { datasetOfRun } from '../store/runs.ts';
import type { Db } from '../store/open.ts';
import { loadRunCodes } from './codes.ts';
import { knnGraph } from './knn-graph.ts';
import { seededRandom } from '../random.ts';
import { median } from './robust.ts';
import { UnionFind } from './union-find.ts';

/**
 * ...and by at most this fraction of the median difference between each of
 * the two and its fingerprint neighbours: a copy is far closer to its original
 * than the original's ordinary look-alikes are, however dense the data is there.
 */
const LOOK_ALIKE_RATIO = 0.45;
/** Candidates per item: its nearest neighbours by shift-invariant fingerprint, and by code when a run is given. */
const CANDIDATES = 8;
/** Pairs within this many thresholds when merely aligned are also tried as resampled copies (the costly check). */
const RESAMPLED_WORTH_TRYING = 2;
/** Largest difference of a channel's mean (0-1) between near duplicates: re-encoding, resampling and small shifts keep it. */
const COLOUR_TOLERANCE = 0.03;
const READ_CHUNK = 1024;
const COLOUR_SLACK = 2.5;

interface Link {
  a: number;
  b: number;
  distance: number;
}

/** What to check: a dataset's pixels, or a run's dataset with its codes too; the largest difference of near duplicates. */
export interface DuplicatesSource {
  datasetId?: number;
  runId?: number;
  threshold?: number;
}

/**
 * Exact duplicates (same content hash) and near duplicates, grouped: linked
 * pairs are joined transitively. Near-pair candidates are each item's nearest
 * neighbours by a shift-invariant fingerprint of its pixels (so a dataset can
 * be checked before anything is trained) and, given a run, by latent code too;
 * each candidate pair is then checked on the aligned pixels and its colour.
 * A group with members in both train and val is a leak between the splits.
 */
export function findDuplicates(db: Db, source: DuplicatesSource): DuplicateReport {
  const runId = source.runId ?? null;
  const datasetId = runId === null ? getDataset(db, source.datasetId!).id : datasetOfRun(db, runId);
  if (datasetId === undefined) throw new UserError(`There is no run ${runId}; \`latent-lab runs\` lists them.`, 'not_found');
  const threshold = source.threshold ?? DEFAULT_NEAR_DIFFERENCE;
  let items = itemsToCheck(db, datasetId);
  const codeSpace: { vectors: Float32Array; dim: number }[] = [];
  if (runId !== null) {
    const codes = loadRunCodes(db, runId);
    const byId = new Map(items.map((item) => [item.id, item]));
    const rows = Array.from(codes.itemIds.keys()).filter((row) => byId.has(codes.itemIds[row]));
    items = rows.map((row) => byId.get(codes.itemIds[row])!);
    const vectors = new Float32Array(rows.length * codes.dim);
    rows.forEach((row, i) => vectors.set(codes.codes.subarray(row * codes.dim, (row + 1) * codes.dim), i * codes.dim));
    codeSpace.push({ vectors, dim: codes.dim });
  }
  const pixels = readFeatures(db, datasetId, items);
  const near = nearLinks(pixels, codeSpace, threshold);
  const links = [...exactLinks(items), ...(pixels.channels === 3 ? alikeInEveryChannel(db, datasetId, items, near, threshold) : near)];
  const sets = new UnionFind(items.length);
  for (const link of links) sets.union(link.a, link.b);
  const widest = new Map<number, number>();
  for (const link of links) {
    const root = sets.find(link.a);
    widest.set(root, Math.max(widest.get(root) ?? 0, link.distance));
  }
  const groups: DuplicateGroup[] = sets.groups().map((members) => {
    const group = members.map((i) => items[i]);
    return {
      kind: group.every((item) => item.hash === group[0].hash) ? 'exact' : 'near',
      distance: Number((widest.get(sets.find(members[0])) ?? 0).toPrecision(4)),
      leaky: group.some((item) => item.split === 'train') && group.some((item) => item.split === 'val'),
      items: group.map(({ id, path, split }) => ({ id, path, split })),
    };
  });
  groups.sort((x, y) => x.distance - y.distance || x.items[0].id - y.items[0].id);
  return {
    datasetId,
    runId,
    method: runId === null ? 'fingerprint' : 'fingerprint+latent',
    threshold,
    groups,
    duplicated: groups.reduce((sum, g) => sum + g.items.length, 0),
    leaky: groups.filter((g) => g.leaky).length,
  };
}

function exactLinks(items: CheckedItem[]): Link[] {
  const first = new Map<string, number>();
  const links: Link[] = [];
  items.forEach((item, i) => {
    const at = first.get(item.hash);
    if (at === undefined) first.set(item.hash, i);
    else links.push({ a: at, b: i, distance: 0 });
  });
  return links;
}

interface PixelFeatures {
  /** Per item: the blurred grey image near-duplicate pairs are checked on, side x side. */
  comparables: Float32Array[];
  side: number;
  /** Shift-invariant fingerprints, n x FINGERPRINT_LENGTH. */
  fingerprints: Float32Array;
  /** Mean of each channel per item (n x channels, in [0, 1]): the alignment is on luma, so colour is checked apart. */
  meanColours: Float32Array;
  channels: number;
}

function readFeatures(db: Db, datasetId: number, items: CheckedItem[]): PixelFeatures {
  const dataset = getDataset(db, datasetId);
  const shape = { size: dataset.size, channels: dataset.channels };
  const comparables: Float32Array[] = [];
  const fingerprints = new Float32Array(items.length * FINGERPRINT_LENGTH);
  const meanColours = new Float32Array(items.length * shape.channels);
  const cache = PixelCache.openReadOnly(pixelCachePath(cacheDirFor(db.name), datasetId), shape);
  try {
    for (let start = 0; start < items.length; start += READ_CHUNK) {
      const chunk = items.slice(start, start + READ_CHUNK);
      const pixels = cache.read(chunk.map((item) => item.cacheIndex));
      chunk.forEach((_, i) => {
        const record = pixels.subarray(i * cache.recordBytes, (i + 1) * cache.recordBytes);
        const grey = luma(record, shape);
        comparables.push(comparable(grey, shape.size));
        fingerprints.set(shiftInvariantFingerprint(grey, shape.size), (start + i) * FINGERPRINT_LENGTH);
        for (let p = 0; p < record.length; p++) meanColours[(start + i) * shape.channels + (p % shape.channels)] += record[p] / 255 / (shape.size * shape.size);
      });
    }
  } finally {
    cache.close();
  }
  return { comparables, side: Math.min(shape.size, COMPARED_SIDE), fingerprints, meanColours, channels: shape.channels };
}

/**
 * The near pairs that are also near in each colour channel on its own, aligned and resampled as
 * the luma was. A drawing recoloured to another hue keeps its luma and, with a complementary
 * background, even its mean colour; not its channels. The channels get COLOUR_SLACK times the
 * threshold: JPEG stores colour at half resolution, so a re-encoded copy differs more in them.
 */
function alikeInEveryChannel(db: Db, datasetId: number, items: CheckedItem[], links: Link[], threshold: number): Link[] {
  const { size, channels } = getDataset(db, datasetId);
  const involved = [...new Set(links.flatMap((link) => [link.a, link.b]))];
  const channelImages = new Map<number, Float32Array[]>();
  const cache = PixelCache.openReadOnly(pixelCachePath(cacheDirFor(db.name), datasetId), { size, channels });
  try {
    const pixels = cache.read(involved.map((i) => items[i].cacheIndex));
    involved.forEach((item, k) => {
      const record = pixels.subarray(k * cache.recordBytes, (k + 1) * cache.recordBytes);
      const channel = (c: number) => comparable(Float32Array.from({ length: size * size }, (_, p) => record[p * channels + c]), size);
      channelImages.set(item, Array.from({ length: channels }, (_, c) => channel(c)));
    });
  } finally {
    cache.close();
  }
  const side = Math.min(size, COMPARED_SIDE);
  return links.filter((link) =>
    channelImages.get(link.a)!.every((image, c) => alignedDifference(image, channelImages.get(link.b)![c], side, { resampled: true }) <= COLOUR_SLACK * threshold),
  );
}

/** Whether two images have about the same mean colour: a recoloured drawing is not a copy. */
function sameColour(pixels: PixelFeatures, a: number, b: number): boolean {
  for (let c = 0; c < pixels.channels; c++) {
    if (Math.abs(pixels.meanColours[a * pixels.channels + c] - pixels.meanColours[b * pixels.channels + c]) > COLOUR_TOLERANCE) return false;
  }
  return true;
}

/**
 * Near pairs: each item's CANDIDATES nearest neighbours by fingerprint (and in
 * each extra space, e.g. latent codes), kept when their aligned pixel
 * difference is at most `threshold` and well below the median difference
 * between each of the two and its fingerprint neighbours (its look-alikes).
 */
function nearLinks(pixels: PixelFeatures, extraSpaces: { vectors: Float32Array; dim: number }[], threshold: number): Link[] {
  const n = pixels.comparables.length;
  if (n < 2) return [];
  const k = Math.min(CANDIDATES + 1, n); // the row itself comes first
  const [lookAlikes, ...extra] = [{ vectors: pixels.fingerprints, dim: FINGERPRINT_LENGTH }, ...extraSpaces].map(({ vectors, dim }) =>
    knnGraph(vectors, n, dim, k, { random: seededRandom(1) }),
  );
  const difference = new Map<number, number>();
  const differenceOf = (a: number, b: number) => {
    const key = Math.min(a, b) * n + Math.max(a, b);
    let d = difference.get(key);
    if (d === undefined) difference.set(key, (d = alignedDifference(pixels.comparables[a], pixels.comparables[b], pixels.side)));
    return d;
  };
  const resampledDifference = (a: number, b: number) =>
    differenceOf(a, b) > RESAMPLED_WORTH_TRYING * threshold ? differenceOf(a, b) : alignedDifference(pixels.comparables[a], pixels.comparables[b], pixels.side, { resampled: true });
  const neighboursOf = (graph: { indices: Int32Array }, i: number) => Array.from(graph.indices.subarray(i * k, (i + 1) * k)).filter((j) => j !== i && j >= 0);
  const typical = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    typical[i] = median(neighboursOf(lookAlikes, i).map((j) => differenceOf(i, j)));
    for (const graph of extra) for (const j of neighboursOf(graph, i)) differenceOf(i, j);
  }
  const links: Link[] = [];
  for (const key of [...difference.keys()]) {
    const [a, b] = [Math.floor(key / n), key % n];
    if (!sameColour(pixels, a, b)) continue; // cheap, and it spares the costly resampled comparison
    const distance = resampledDifference(a, b);
    if (distance <= threshold && distance <= LOOK_ALIKE_RATIO * Math.min(typical[a], typical[b])) links.push({ a, b, distance: Number(distance.toPrecision(4)) });
  }
  return links;
}
