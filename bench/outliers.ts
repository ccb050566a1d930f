/**
 * Do the outlier scores find foreign images, and does the duplicate finder find copies?
 *
 * Hides foreign images of six kinds in a dataset (simpler than the data: glyphs like
 * MNIST digits, flat shapes, checkerboards; more complex: uniform noise, natural-ish
 * textures, real Adwaita icons), plus exact copies and near copies (shifted, rescaled,
 * JPEG re-encoded) of some of its images; trains a small model through the engine's own
 * trainer, then prints for every score the AUROC per foreign kind and recall@K (K = the
 * number hidden), next to plain reconstruction error, and the duplicate finder's
 * precision and recall per kind of copy (from the perceptual hash, and from the codes).
 *
 *   node --import tsx bench/outliers.ts [--data fashion-mnist|faces|both] [--n 3000] [--per-kind 30]
 *                                       [--model conv-ae] [--epochs 5] [--latent 16] [--duplicates-only] [--dump DIR]
 *
 * The default model is the recipe's (conv-ae with its PCA path, filters from the image size), as
 * `latent-lab train` picks it; only the length is fixed here.
 * --duplicates-only skips training: duplicate figures from the pixels alone.
 * --dump DIR writes each item's kind, split, base scores, complexity-corrected score, code and pixels as JSON
 * (DIR/<data>-<model>.json), to try score mixes without retraining.
 *
 * Fashion-MNIST comes from Debian's dataset-fashion-mnist; the faces are the demo's (32 px, no two one drawing).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { outlierScoreNames, type OutlierScore } from '../src-main/contract/contract.ts';
import { demoFaces, faceSvg, type DemoFace } from '../src-main/dataset/demo.ts';
import { fashionMnistDir, readIdxImages } from '../src-main/dataset/idx.ts';
import { PixelCache, pixelCachePath } from '../src-main/dataset/pixel-cache.ts';
import { resolveConfig } from '../src-main/engine/config.ts';
import { createRun } from '../src-main/store/runs.ts';
import { trainRun } from '../src-main/engine/train/train-run.ts';
import { rocAuc } from '../src-main/latent/auc.ts';
import { findDuplicates } from '../src-main/latent/duplicates.ts';
import { codeOf, loadRunCodes } from '../src-main/latent/codes.ts';
import { compressedBits } from '../src-main/latent/complexity.ts';
import { ensureScores, likelihoodBits, noiseVariance } from '../src-main/latent/scores.ts';
import { cacheDirFor } from '../src-main/paths.ts';
import { seededRandom } from '../src-main/random.ts';
import { openStore, type Db } from '../src-main/store/open.ts';
import { readBaseScores, scoreColumn } from '../src-main/store/scores.ts';

const { values: flags } = parseArgs({
  options: {
    data: { type: 'string', default: 'both' },
    n: { type: 'string', default: '3000' },
    'per-kind': { type: 'string', default: '30' },
    model: { type: 'string', default: 'conv-ae' },
    epochs: { type: 'string', default: '5' },
    latent: { type: 'string', default: '16' },
    'duplicates-only': { type: 'boolean', default: false },
    dump: { type: 'string' },
  },
});
const perKind = Number(flags['per-kind']);
const random = seededRandom(12);
const between = (lo: number, hi: number) => lo + (hi - lo) * random();
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];

interface Shape {
  size: number;
  channels: 1 | 3;
}
type Pixels = Uint8Array;

// ---- foreign images ----

const FOREIGN_KINDS = ['glyphs', 'shapes', 'checkerboards', 'noise', 'textures', 'icons'] as const;
type ForeignKind = (typeof FOREIGN_KINDS)[number];
const SIMPLE_KINDS: ForeignKind[] = ['glyphs', 'shapes', 'checkerboards'];

/** Raw pixels of an image in the dataset's shape (alpha flattened onto black). */
async function pixelsOf(image: sharp.Sharp, shape: Shape): Promise<Pixels> {
  const flat = image.resize(shape.size, shape.size).flatten({ background: '#000' });
  return new Uint8Array(await (shape.channels === 1 ? flat.toColourspace('b-w') : flat.toColourspace('srgb')).raw().toBuffer());
}

const raster = (svg: string, shape: Shape) => pixelsOf(sharp(Buffer.from(svg)), shape);

const grey = (v: number) => `rgb(${v},${v},${v})`;
const colour = (shape: Shape) => (shape.channels === 1 ? grey(Math.round(between(120, 255))) : `hsl(${Math.round(between(0, 360))},80%,55%)`);

function glyph(shape: Shape): Promise<Pixels> {
  const text = pick('0123456789'.split(''));
  const font = pick(['DejaVu Sans', 'DejaVu Serif', 'DejaVu Sans Mono']);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><rect width="100" height="100" fill="#000"/>
    <text x="50" y="78" font-family="${font}" font-size="${between(62, 80)}" text-anchor="middle" fill="${shape.channels === 1 ? '#fff' : colour(shape)}"
      transform="rotate(${between(-15, 15)} 50 50)">${text}</text></svg>`;
  return raster(svg, shape);
}

function flatShape(shape: Shape): Promise<Pixels> {
  const fill = colour(shape);
  const [x, y, r] = [between(35, 65), between(35, 65), between(18, 32)];
  const body = pick([
    `<circle cx="${x}" cy="${y}" r="${r}" fill="${fill}"/>`,
    `<rect x="${x - r}" y="${y - r * 0.7}" width="${2 * r}" height="${1.4 * r}" fill="${fill}"/>`,
    `<polygon points="${x},${y - r} ${x + r},${y + r} ${x - r},${y + r}" fill="${fill}"/>`,
  ]);
  return raster(`<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><rect width="100" height="100" fill="${grey(Math.round(between(0, 60)))}"/>${body}</svg>`, shape);
}

function checkerboard(shape: Shape): Pixels {
  const cell = Math.round(between(2, 7));
  const [a, b] = [Math.round(between(0, 80)), Math.round(between(170, 255))];
  const out = new Uint8Array(shape.size * shape.size * shape.channels);
  for (let y = 0; y < shape.size; y++) for (let x = 0; x < shape.size; x++) out.fill((Math.floor(x / cell) + Math.floor(y / cell)) % 2 ? a : b, (y * shape.size + x) * shape.channels, (y * shape.size + x + 1) * shape.channels);
  return out;
}

function noise(shape: Shape): Pixels {
  return Uint8Array.from({ length: shape.size * shape.size * shape.channels }, () => Math.floor(random() * 256));
}

/** Blurred noise at a random scale, stretched to the full range: bark, clouds, gravel. */
async function texture(shape: Shape): Promise<Pixels> {
  const big = shape.size * 2;
  const sigma = between(0.8, 3);
  const blurred = await sharp(Buffer.from(noise({ size: big, channels: shape.channels })), { raw: { width: big, height: big, channels: shape.channels } })
    .blur(sigma)
    .normalise()
    .png()
    .toBuffer();
  return pixelsOf(sharp(blurred), shape);
}

const iconFiles = fs.existsSync('/usr/share/icons/Adwaita')
  ? fs.readdirSync('/usr/share/icons/Adwaita', { recursive: true, encoding: 'utf8' }).filter((f) => f.startsWith('96x96/') && f.endsWith('.png'))
  : [];
async function icon(shape: Shape): Promise<Pixels> {
  return pixelsOf(sharp(path.join('/usr/share/icons/Adwaita', pick(iconFiles))), shape);
}

const draw: Record<ForeignKind, (shape: Shape) => Pixels | Promise<Pixels>> = {
  glyphs: glyph,
  shapes: flatShape,
  checkerboards: checkerboard,
  noise,
  textures: texture,
  icons: icon,
};

// ---- near copies ----

const COPY_KINDS = ['exact', 'shifted', 'rescaled', 're-encoded'] as const;
type CopyKind = (typeof COPY_KINDS)[number];

async function copyOf(pixels: Pixels, shape: Shape, kind: CopyKind): Promise<Pixels> {
  const raw = { raw: { width: shape.size, height: shape.size, channels: shape.channels } };
  if (kind === 'exact') return pixels.slice();
  if (kind === 'shifted') {
    const [dx, dy] = [pick([-2, -1, 1, 2]), pick([-1, 0, 1])];
    const shifted = new Uint8Array(pixels.length);
    for (let y = 0; y < shape.size; y++) {
      for (let x = 0; x < shape.size; x++) {
        const [sx, sy] = [Math.min(shape.size - 1, Math.max(0, x - dx)), Math.min(shape.size - 1, Math.max(0, y - dy))];
        for (let c = 0; c < shape.channels; c++) shifted[(y * shape.size + x) * shape.channels + c] = pixels[(sy * shape.size + sx) * shape.channels + c];
      }
    }
    return shifted;
  }
  if (kind === 'rescaled') {
    // saved smaller (3/4 size), then fitted back to the dataset's size by the import
    const smaller = await sharp(Buffer.from(pixels), raw).resize(Math.round(shape.size * 0.75)).png().toBuffer();
    return pixelsOf(sharp(smaller), shape);
  }
  const jpeg = await sharp(Buffer.from(pixels), raw).jpeg({ quality: 70 }).toBuffer();
  return pixelsOf(sharp(jpeg), shape);
}

// ---- the planted dataset ----

interface Planted {
  pixels: Pixels;
  kind: 'data' | ForeignKind | CopyKind;
  /** For copies: the index of the original. */
  of?: number;
}

async function plant(base: Pixels[], shape: Shape): Promise<Planted[]> {
  const items: Planted[] = base.map((pixels) => ({ pixels, kind: 'data' }));
  for (const kind of FOREIGN_KINDS) for (let i = 0; i < perKind; i++) items.push({ pixels: await draw[kind](shape), kind });
  const originals = new Set<number>();
  while (originals.size < COPY_KINDS.length * 20) originals.add(Math.floor(random() * base.length));
  let at = 0;
  for (const original of originals) {
    const kind = COPY_KINDS[at++ % COPY_KINDS.length];
    items.push({ pixels: await copyOf(base[original], shape, kind), kind, of: original });
  }
  // shuffle so that the planted items are spread over both splits
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** Writes the items as an import would (pixels in the cache, one row each, a content hash), every tenth in val. */
function store(db: Db, dbPath: string, name: string, shape: Shape, items: Planted[]): { datasetId: number; itemIds: number[] } {
  const datasetId = Number(db.prepare("INSERT INTO datasets (name, root, size, channels, fit) VALUES (?, ?, ?, ?, 'cover')").run(name, `/bench/${name}`, shape.size, shape.channels).lastInsertRowid);
  const cache = PixelCache.open(pixelCachePath(cacheDirFor(dbPath), datasetId), shape);
  const insert = db.prepare('INSERT INTO items (dataset_id, path, label, split, hash, width, height, cache_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const itemIds = db.transaction(() =>
    items.map((item, i) => {
      cache.write(i, item.pixels);
      const hash = crypto.createHash('sha1').update(item.pixels).digest('hex');
      return Number(insert.run(datasetId, `${item.kind}/${i}.png`, item.kind, i % 10 === 0 ? 'val' : 'train', hash, shape.size, shape.size, i).lastInsertRowid);
    }),
  )();
  cache.close();
  return { datasetId, itemIds };
}

// ---- measuring ----

function recallAtK(scores: ArrayLike<number>, positive: boolean[]): number {
  const k = positive.filter(Boolean).length;
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  return order.slice(0, k).filter((i) => positive[i]).length / k;
}

async function measure(label: string, shape: Shape, base: Pixels[], dir: string): Promise<void> {
  const dbPath = path.join(dir, `${label}.db`);
  const db = openStore(dbPath);
  const items = await plant(base, shape);
  const { datasetId, itemIds } = store(db, dbPath, label, shape, items);
  const rowOf = new Map(itemIds.map((id, i) => [id, i]));

  // duplicates before any run: perceptual hash
  const dupRows: string[] = [];
  const dupTable = (method: string, groups: { items: { id: number }[] }[]) => {
    const linked = new Set<string>();
    for (const group of groups) for (const a of group.items) for (const b of group.items) if (a.id < b.id) linked.add(`${rowOf.get(a.id)}-${rowOf.get(b.id)}`);
    const isPlantedPair = (key: string) => {
      const [a, b] = key.split('-').map(Number);
      return items[a].of !== undefined ? indexOfOriginal(a) === b : items[b].of !== undefined && indexOfOriginal(b) === a;
    };
    // foreign images are drawn from a few templates (two circles, two checkerboards of one cell size) and may
    // rightly look alike: precision is over the pairs among the data and its copies
    const isForeign = (row: number) => (FOREIGN_KINDS as readonly string[]).includes(items[row].kind);
    for (const key of [...linked]) if (key.split('-').map(Number).some(isForeign)) linked.delete(key);
    const truePairs = [...linked].filter(isPlantedPair).length;
    for (const kind of COPY_KINDS) {
      const copies = items.map((it, i) => [it, i] as const).filter(([it]) => it.kind === kind);
      const found = copies.filter(([, i]) => linked.has(pairKey(i, indexOfOriginal(i)))).length;
      dupRows.push(`${label.padEnd(14)} ${method.padEnd(8)} ${kind.padEnd(11)} recall ${(found / copies.length).toFixed(2)}`);
    }
    dupRows.push(`${label.padEnd(14)} ${method.padEnd(8)} ${'all'.padEnd(11)} precision ${(linked.size ? truePairs / linked.size : 1).toFixed(2)} (${truePairs} of ${linked.size} linked pairs are planted)`);
  };
  // planted copies point at positions in `base`; find the dataset row holding that original
  const baseRow = new Map<Pixels, number>();
  items.forEach((it, i) => it.kind === 'data' && baseRow.set(it.pixels, i));
  const indexOfOriginal = (i: number) => baseRow.get(base[items[i].of!])!;
  const pairKey = (a: number, b: number) => (a < b ? `${a}-${b}` : `${b}-${a}`);
  dupTable('pixels', findDuplicates(db, { datasetId }).groups);

  if (flags['duplicates-only']) {
    for (const row of dupRows) console.log(row);
    db.close();
    return;
  }
  const config = resolveConfig({ model: flags.model, latent: flags.latent, epochs: flags.epochs, seed: 1 }, shape);
  const runId = createRun(db, datasetId, config, process.pid);
  const started = performance.now();
  await trainRun(db, dbPath, runId, { emit: () => {}, shouldStop: () => false });
  const trainSeconds = (performance.now() - started) / 1000;
  await ensureScores(db, runId);
  dupTable('+latent', findDuplicates(db, { runId }).groups);

  if (flags.dump) dumpItems(path.join(flags.dump, `${label}-${flags.model}.json`), db, runId, items, rowOf);

  const foreign = items.map((it) => (FOREIGN_KINDS as readonly string[]).includes(it.kind));
  console.log(`\n${label}: ${base.length} images + ${perKind} x ${FOREIGN_KINDS.length} foreign + ${COPY_KINDS.length * 20} copies, ${flags.model} latent ${flags.latent}, ${flags.epochs} epochs (${trainSeconds.toFixed(0)} s)`);
  console.log(`${'score'.padEnd(30)} ${FOREIGN_KINDS.map((k) => k.padStart(13)).join('')}   recall@${foreign.filter(Boolean).length}`);
  const names = outlierScoreNames.filter((n) => n !== 'neg_elbo' || config.model.includes('vae'));
  const printRow = (name: string, score: ArrayLike<number>) => {
    const aucs = FOREIGN_KINDS.map((kind) => {
      const rows = items.flatMap((it, i) => (it.kind === kind || it.kind === 'data' ? [i] : []));
      return rocAuc(rows.map((i) => score[i]), rows.map((i) => items[i].kind === kind));
    });
    console.log(`${name.padEnd(30)} ${aucs.map((a) => a.toFixed(3).padStart(13)).join('')}   ${recallAtK(score, foreign).toFixed(3)}`);
  };
  for (const name of [...names].reverse() as OutlierScore[]) {
    const { itemIds: scoredIds, values } = scoreColumn(db, runId, name);
    const score = new Float64Array(items.length);
    scoredIds.forEach((id, i) => (score[rowOf.get(id)!] = values[i]!));
    printRow(name === 'recon_error' ? `${name}  (reference)` : name, score);
  }
  // the complexity term measured by raw deflate of the pixels instead of PNG (the stored score)
  const deflated = new Float64Array(items.length);
  const baseScores = readBaseScores(db, runId);
  const variance = noiseVariance(baseScores.filter((row) => row.split === 'train').map((row) => row.reconError));
  for (const row of baseScores) {
    const i = rowOf.get(row.itemId)!;
    deflated[i] = likelihoodBits(row, items[i].pixels.length, variance) - (await compressedBits(items[i].pixels, shape.size, shape.channels, 'deflate'));
  }
  printRow('complexity_corrected (deflate)', deflated);
  console.log(`AUROC per foreign kind against the data's own images; simple kinds: ${SIMPLE_KINDS.join(', ')}. Target for the default (combined): >= 0.95 each, recall@K >= 0.9.`);
  console.log('\nduplicates (target: near precision and recall >= 0.9, exact 1.0)');
  for (const row of dupRows) console.log(row);
  db.close();
}

function dumpItems(file: string, db: Db, runId: number, items: Planted[], rowOf: Map<number, number>): void {
  const codes = loadRunCodes(db, runId);
  const complexity = scoreColumn(db, runId, 'complexity_corrected');
  const corrected = new Map(complexity.itemIds.map((id, i) => [id, complexity.values[i]]));
  const rows = readBaseScores(db, runId).map((row) => ({
    kind: items[rowOf.get(row.itemId)!].kind,
    split: row.split,
    reconError: row.reconError,
    negElbo: row.negElbo,
    complexityCorrected: corrected.get(row.itemId),
    code: Array.from(codeOf(codes, row.itemId)),
    pixels: Array.from(items[rowOf.get(row.itemId)!].pixels),
  }));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ values: items[0].pixels.length, rows }));
}

async function fashionMnist(n: number): Promise<Pixels[]> {
  const images = readIdxImages(path.join(fashionMnistDir, 'train-images-idx3-ubyte.gz'));
  return Array.from({ length: n }, (_, i) => images.data.slice(i * 784, (i + 1) * 784));
}

/**
 * Demo faces with no two the same drawing: the generator has known factors, and two faces of one kind with the
 * same expression and glasses, within 3% in size, 4 degrees in tilt and 45 degrees in hue, placed a few pixels
 * apart, are one drawing slightly recoloured or moved, near duplicates in everything but name (a pHash pairs
 * them too). Only the first of such twins is kept, so that every near duplicate in the set is a planted one.
 */
function distinctFaces(n: number): DemoFace[] {
  const twins = (f: DemoFace, g: DemoFace) => {
    const hue = Math.abs(f.hue - g.hue);
    return (
      f.label === g.label && f.Smiling === g.Smiling && f.Glasses === g.Glasses &&
      Math.min(hue, 360 - hue) <= 45 && Math.abs(f.scale - g.scale) <= 0.03 && Math.abs(f.rotation - g.rotation) <= 4
    );
  };
  const kept: DemoFace[] = [];
  for (const face of demoFaces(2 * n, 3)) {
    if (kept.length === n) break;
    if (!kept.some((other) => twins(other, face))) kept.push(face);
  }
  return kept;
}

async function faces(n: number, size: number): Promise<Pixels[]> {
  return Promise.all(distinctFaces(n).map((face) => raster(faceSvg(face), { size, channels: 3 })));
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-lab-outliers-'));
try {
  const n = Number(flags.n);
  if (flags.data !== 'faces') await measure('fashion-mnist', { size: 28, channels: 1 }, await fashionMnist(n), dir);
  if (flags.data !== 'fashion-mnist') await measure('demo-faces', { size: 32, channels: 3 }, await faces(Math.min(n, 1500), 32), dir);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
