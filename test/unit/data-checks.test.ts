import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { PixelCache, pixelCachePath } from '../../src-main/dataset/pixel-cache.ts';
import { demoFaces, faceSvg } from '../../src-main/dataset/demo.ts';
import { importFolder } from '../../src-main/dataset/import.ts';
import { checkQuality } from '../../src-main/dataset/quality.ts';
import { findDuplicates } from '../../src-main/latent/duplicates.ts';
import { cacheDirFor } from '../../src-main/paths.ts';
import { seededRandom } from '../../src-main/random.ts';
import { itemsWithQuality } from '../../src-main/store/items.ts';
import { openStore, type Db } from '../../src-main/store/open.ts';
import { runCli } from '../helpers/cli.ts';
import { writeImage } from '../helpers/images.ts';
import { tempDir } from '../helpers/tmp.ts';

const SIZE = 16;
const dir = tempDir();
const dbPath = path.join(dir, 'checks.db');
const random = seededRandom(3);

/** A random 5 x 5 pattern, smoothly enlarged, with a fine texture: every call draws a different image. */
function blobs(): Uint8Array {
  const grid = Array.from({ length: 25 }, () => random() * 230);
  const at = (gx: number, gy: number) => grid[Math.min(4, gy) * 5 + Math.min(4, gx)];
  return Uint8Array.from({ length: SIZE * SIZE }, (_, p) => {
    const [x, y] = [((p % SIZE) / (SIZE - 1)) * 4, (Math.floor(p / SIZE) / (SIZE - 1)) * 4];
    const [gx, gy, fx, fy] = [Math.floor(x), Math.floor(y), x % 1, y % 1];
    const smooth = (1 - fy) * ((1 - fx) * at(gx, gy) + fx * at(gx + 1, gy)) + fy * ((1 - fx) * at(gx, gy + 1) + fx * at(gx + 1, gy + 1));
    return smooth + 25 * random();
  });
}

function shifted(pixels: Uint8Array, dx: number): Uint8Array {
  return Uint8Array.from(pixels, (_, p) => pixels[Math.floor(p / SIZE) * SIZE + Math.min(SIZE - 1, Math.max(0, (p % SIZE) - dx))]);
}

interface Planted {
  path: string;
  pixels: Uint8Array;
  split?: 'train' | 'val';
  hash?: string;
  width?: number;
  height?: number;
}

/** 60 distinct images, then the planted ones, written as an import would. */
function seedDataset(db: Db, name: string, planted: (base: Uint8Array[]) => Planted[]): { datasetId: number; ids: Map<string, number> } {
  const base = Array.from({ length: 60 }, blobs);
  const rows: Planted[] = [...base.map((pixels, i) => ({ path: `blob/${i}.png`, pixels })), ...planted(base)];
  const datasetId = Number(db.prepare("INSERT INTO datasets (name, root, size, channels, fit) VALUES (?, ?, ?, 1, 'cover')").run(name, `/x/${name}`, SIZE).lastInsertRowid);
  const cache = PixelCache.open(pixelCachePath(cacheDirFor(dbPath), datasetId), { size: SIZE, channels: 1 });
  const insert = db.prepare('INSERT INTO items (dataset_id, path, split, hash, width, height, cache_index) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const ids = new Map<string, number>();
  rows.forEach((row, i) => {
    cache.write(i, row.pixels);
    ids.set(row.path, Number(insert.run(datasetId, row.path, row.split ?? 'train', row.hash ?? `h-${row.path}`, row.width ?? 64, row.height ?? 64, i).lastInsertRowid));
  });
  cache.close();
  return { datasetId, ids };
}

test('duplicates: exact copies by hash, shifted and re-encoded copies by pixels, grouped, leaks flagged, look-alikes left alone', () => {
  const db = openStore(dbPath);
  const noisy = (pixels: Uint8Array) => Uint8Array.from(pixels, (v) => Math.min(255, Math.max(0, v + Math.round((random() - 0.5) * 6))));
  const { datasetId, ids } = seedDataset(db, 'dups', (base) => [
    { path: 'copy-of-3.png', pixels: base[3].slice(), hash: 'h-blob/3.png', split: 'val' },
    { path: 'shifted-5.png', pixels: shifted(base[5], 2) },
    { path: 'reencoded-7.png', pixels: noisy(base[7]) },
    { path: 'second-copy-of-7.png', pixels: noisy(base[7]) },
  ]);
  const report = findDuplicates(db, { datasetId });
  assert.equal(report.method, 'fingerprint');
  const groups = report.groups.map((g) => ({ kind: g.kind, leaky: g.leaky, paths: g.items.map((i) => i.path).sort() }));
  assert.deepEqual(
    groups.sort((a, b) => a.paths[0].localeCompare(b.paths[0])),
    [
      { kind: 'exact', leaky: true, paths: ['blob/3.png', 'copy-of-3.png'] },
      { kind: 'near', leaky: false, paths: ['blob/5.png', 'shifted-5.png'] },
      { kind: 'near', leaky: false, paths: ['blob/7.png', 'reencoded-7.png', 'second-copy-of-7.png'] },
    ],
    'three groups (the copies of 7 in one), and no pair of the 60 distinct images',
  );
  assert.equal(report.groups[0].distance, 0, 'exact groups first, at distance 0');
  assert.equal(report.leaky, 1);
  assert.equal(report.duplicated, 7);
  const strict = findDuplicates(db, { datasetId, threshold: 0.01 }).groups.flatMap((g) => g.items.map((i) => i.path));
  assert.deepEqual(strict.sort(), ['blob/3.png', 'blob/5.png', 'copy-of-3.png', 'shifted-5.png'], 'a lower threshold drops the noisy copies; a shift matches exactly where it overlaps');

  // with a run: candidates from the codes as well; an exact copy has the same code
  const runId = Number(db.prepare("INSERT INTO runs (dataset_id, model, config, status) VALUES (?, 'ae', '{}', 'completed')").run(datasetId).lastInsertRowid);
  const code = db.prepare('INSERT INTO embeddings (run_id, item_id, code) VALUES (?, ?, ?)');
  for (const id of ids.values()) code.run(runId, id, Buffer.from(Float32Array.from([random(), random()]).buffer));
  const viaRun = findDuplicates(db, { runId });
  assert.equal(viaRun.method, 'fingerprint+latent');
  assert.equal(viaRun.groups.length, 3);
  assert.throws(() => findDuplicates(db, { runId: 999 }), /There is no run 999/);
  db.close();

  const cli = runCli(['duplicates', 'dups', '--json'], { LATENT_LAB_DB: dbPath });
  assert.equal(cli.status, 0, cli.stderr);
  const printed = JSON.parse(cli.stdout) as { groups: { kind: string; distance: number; leaky: boolean; items: { id: number; path: string; split: string }[] }[] };
  assert.equal(printed.groups.length, 3);
  assert.deepEqual(printed.groups[0].items, [
    { id: ids.get('blob/3.png'), path: 'blob/3.png', split: 'train' },
    { id: ids.get('copy-of-3.png'), path: 'copy-of-3.png', split: 'val' },
  ]);
  const table = runCli(['duplicates', `run:${runId}`], { LATENT_LAB_DB: dbPath });
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /3 groups \(7 items\), 1 leaky/);
  assert.match(table.stdout, /group\s+kind\s+distance/, 'a header row');
  const bad = runCli(['duplicates', 'dups', '--threshold', 'x'], { LATENT_LAB_DB: dbPath });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--threshold must be a number/);
});

test('quality: flat, dark, light, low-information, blurry, upscaled and odd-aspect images are listed, ordinary ones are not', () => {
  const db = openStore(dbPath);
  const blurred = (pixels: Uint8Array) => {
    let out = Float32Array.from(pixels);
    for (let pass = 0; pass < 4; pass++) {
      const from = out;
      out = Float32Array.from(from, (_, p) => {
        const [x, y] = [p % SIZE, Math.floor(p / SIZE)];
        const at = (dx: number, dy: number) => from[Math.min(SIZE - 1, Math.max(0, y + dy)) * SIZE + Math.min(SIZE - 1, Math.max(0, x + dx))];
        return (at(-1, 0) + at(1, 0) + at(0, -1) + at(0, 1) + 4 * at(0, 0)) / 8;
      });
    }
    return Uint8Array.from(out, Math.round);
  };
  const { datasetId, ids } = seedDataset(db, 'quality', (base) => [
    { path: 'flat.png', pixels: new Uint8Array(SIZE * SIZE).fill(128) },
    { path: 'dark.png', pixels: Uint8Array.from(base[1], (v) => v / 10) },
    { path: 'light.png', pixels: Uint8Array.from(base[2], (v) => 230 + v / 20) },
    { path: 'two-tone.png', pixels: Uint8Array.from({ length: SIZE * SIZE }, (_, p) => (p < 40 ? 255 : 60)) },
    { path: 'blurry.png', pixels: blurred(base[4]) },
    { path: 'tiny.png', pixels: base[6], width: 5, height: 5 },
    { path: 'banner.png', pixels: base[8], width: 300, height: 40 },
  ]);
  const report = checkQuality(db, datasetId);
  assert.equal(report.checked, 67);
  const flagged = Object.fromEntries(report.checks.map((c) => [c.name, c.items.map((i) => i.path)]));
  assert.deepEqual(flagged.constant, ['flat.png']);
  assert.deepEqual(flagged.dark, ['dark.png']);
  assert.deepEqual(flagged.light, ['light.png']);
  assert.deepEqual(flagged.low_information, ['flat.png', 'two-tone.png']);
  assert.ok(flagged.blurry.includes('blurry.png') && !flagged.blurry.some((p) => p.startsWith('blob/')), `blurry: ${flagged.blurry}`);
  assert.deepEqual(flagged.upscaled, ['tiny.png']);
  assert.deepEqual(flagged.odd_aspect, ['banner.png']);
  assert.equal(report.checks.find((c) => c.name === 'odd_aspect')!.items[0].value, 7.5);
  // rows written without features (imported before they were stored) got them computed once, and kept
  const stored = itemsWithQuality(db, datasetId);
  assert.ok(stored.every((item) => item.features !== null));
  assert.equal(stored.find((item) => item.path === 'flat.png')!.features!.std, 0);
  db.close();

  const cli = runCli(['quality', 'quality', '--json'], { LATENT_LAB_DB: dbPath });
  assert.equal(cli.status, 0, cli.stderr);
  const printed = JSON.parse(cli.stdout) as { checks: { name: string; count: number; items: { id: number; path: string; value: number }[] }[] };
  const upscaled = printed.checks.find((c) => c.name === 'upscaled')!;
  assert.equal(upscaled.count, 1);
  assert.deepEqual(upscaled.items, [{ id: ids.get('tiny.png'), path: 'tiny.png', value: 5 }]);
  const table = runCli(['quality', 'quality'], { LATENT_LAB_DB: dbPath });
  assert.match(table.stdout, /check\s+count\s+what it means/);
  const missing = runCli(['quality', 'nope'], { LATENT_LAB_DB: dbPath });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /No dataset "nope"/);
});

test('quality: an import stores each image\'s features, and the checks read them instead of the pixels', async () => {
  const root = path.join(dir, 'flat-and-patterns');
  for (let seed = 0; seed < 6; seed++) await writeImage(path.join(root, `pattern-${seed}.png`), { channels: 1, seed });
  await sharp({ create: { width: 16, height: 16, channels: 3, background: '#808080' } }).png().toFile(path.join(root, 'flat.png'));
  const importDb = path.join(dir, 'imported.db');
  const { dataset } = await importFolder({ dbPath: importDb, folder: root, size: 16 });
  const db = openStore(importDb);
  const items = itemsWithQuality(db, dataset);
  assert.equal(items.length, 7);
  assert.ok(items.every((item) => item.features !== null), 'every imported item has its features');
  assert.equal(items.find((item) => item.path === 'flat.png')!.features!.std, 0);
  const constant = () => checkQuality(db, dataset).checks.find((c) => c.name === 'constant')!.items.map((i) => i.path);
  assert.deepEqual(constant(), ['flat.png']);
  // a stored value is what the check sees: the pixels are not read again
  db.prepare("UPDATE items SET luma_std = 0 WHERE path = 'pattern-0.png'").run();
  assert.deepEqual(constant().sort(), ['flat.png', 'pattern-0.png']);
  db.close();
});

test('duplicates in colour: a drawing recoloured to a far hue, background and all, is no copy; its JPEG copy is', async () => {
  const size = 32;
  const raster = async (svg: string, jpeg = false) => {
    const image = sharp(Buffer.from(svg)).resize(size, size).flatten({ background: '#000' });
    const encoded = jpeg ? await image.jpeg({ quality: 70 }).toBuffer() : await image.png().toBuffer();
    return new Uint8Array(await sharp(encoded).removeAlpha().toColourspace('srgb').raw().toBuffer());
  };
  const faces = demoFaces(40, 9);
  const face = { ...faces[0], Glasses: 0 as const, Blushing: 0 as const };
  const rows = [
    ...(await Promise.all(faces.slice(1).map((f, i) => raster(faceSvg(f)).then((pixels) => ({ path: `face/${i}.png`, pixels }))))),
    { path: 'original.png', pixels: await raster(faceSvg(face)) },
    { path: 'jpeg-copy.png', pixels: await raster(faceSvg(face), true) },
    { path: 'recoloured.png', pixels: await raster(faceSvg({ ...face, hue: (face.hue + 100) % 360 })) },
  ];
  const db = openStore(dbPath);
  const datasetId = Number(db.prepare("INSERT INTO datasets (name, root, size, channels, fit) VALUES ('colour', '/x/colour', ?, 3, 'cover')").run(size).lastInsertRowid);
  const cache = PixelCache.open(pixelCachePath(cacheDirFor(dbPath), datasetId), { size, channels: 3 });
  const insert = db.prepare("INSERT INTO items (dataset_id, path, split, hash, width, height, cache_index) VALUES (?, ?, 'train', ?, 64, 64, ?)");
  rows.forEach((row, i) => {
    cache.write(i, row.pixels);
    insert.run(datasetId, row.path, `h-${row.path}`, i);
  });
  cache.close();
  const grouped = findDuplicates(db, { datasetId }).groups.map((g) => g.items.map((i) => i.path).sort());
  db.close();
  assert.ok(grouped.some((paths) => paths.includes('original.png') && paths.includes('jpeg-copy.png')), `the JPEG copy is found: ${JSON.stringify(grouped)}`);
  assert.ok(!grouped.some((paths) => paths.includes('recoloured.png')), `the recoloured drawing is not: ${JSON.stringify(grouped)}`);
});
