import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { atlasLayout, atlasPagePath, atlasTile, ensureAtlasPage, itemPng, IMPORT_ATLAS_TILES } from '../../src-main/dataset/atlas.ts';
import { importFolder } from '../../src-main/dataset/import.ts';
import { PixelCache, pixelCachePath } from '../../src-main/dataset/pixel-cache.ts';
import { getDataset, listDatasets, listItems, resolveItem } from '../../src-main/dataset/queries.ts';
import { cacheDirFor } from '../../src-main/paths.ts';
import { openStore } from '../../src-main/store/open.ts';
import { patternPixels, writeImage } from '../helpers/images.ts';
import { tempDir } from '../helpers/tmp.ts';

/** A folder of 16x16 gray PNGs: labels a and b, and two files in the root (no label). */
async function grayFolder(root: string, perLabel = 6): Promise<Map<string, Buffer>> {
  const sources = new Map<string, Buffer>();
  let seed = 0;
  for (const rel of [...['a', 'b'].flatMap((l) => Array.from({ length: perLabel }, (_, i) => `${l}/${i}.png`)), 'root-0.png', 'root-1.png']) {
    await writeImage(path.join(root, rel), { channels: 1, seed });
    sources.set(rel, patternPixels(16, 16, 1, seed++));
  }
  return sources;
}

function cachedPixels(dbPath: string, datasetId: number) {
  const db = openStore(dbPath);
  const dataset = getDataset(db, datasetId);
  const items = listItems(db, datasetId);
  db.close();
  const cache = PixelCache.openReadOnly(pixelCachePath(cacheDirFor(dbPath), datasetId), dataset);
  const byPath = new Map(items.map((item) => [item.path, { ...item, pixels: Buffer.from(cache.read([item.cacheIndex])) }]));
  cache.close();
  return byPath;
}

test('a folder imports with labels from first-level folders, exact pixels, a split and original sizes', async () => {
  const dir = tempDir();
  const root = path.join(dir, 'shapes');
  const sources = await grayFolder(root);
  const dbPath = path.join(dir, 'lab.db');
  const summary = await importFolder({ dbPath, folder: root, size: 16 });
  assert.equal(summary.datasetName, 'shapes');
  assert.deepEqual([summary.items, summary.added, summary.channels, summary.size], [14, 14, 1, 16]);
  assert.deepEqual(summary.labels, ['a', 'b']);
  const items = cachedPixels(dbPath, summary.dataset);
  for (const [rel, pixels] of sources) {
    const item = items.get(rel)!;
    assert.deepEqual(item.pixels, pixels, `${rel}: cached pixels equal the source`);
    assert.equal(item.label, rel.includes('/') ? rel.split('/')[0] : null);
    assert.deepEqual([item.width, item.height], [16, 16]);
    assert.ok(item.split === 'train' || item.split === 'val');
  }
});

test('auto channels: RGB when any image is in colour; cover crops and contain pads to a square', async () => {
  const dir = tempDir();
  const root = path.join(dir, 'mixed');
  await writeImage(path.join(root, 'gray.png'), { channels: 1 });
  // a white 40x20 image: cover fills the square, contain leaves bands of the background top and bottom
  fs.mkdirSync(root, { recursive: true });
  await sharp({ create: { width: 40, height: 20, channels: 3, background: '#ffffff' } }).png().toFile(path.join(root, 'wide.png'));
  const cover = await importFolder({ dbPath: path.join(dir, 'cover.db'), folder: root, size: 8 });
  assert.equal(cover.channels, 3);
  const coverWide = cachedPixels(path.join(dir, 'cover.db'), cover.dataset).get('wide.png')!;
  assert.ok(coverWide.pixels.every((v) => v === 255));
  assert.deepEqual([coverWide.width, coverWide.height], [40, 20]);
  const contain = await importFolder({ dbPath: path.join(dir, 'contain.db'), folder: root, size: 8, fit: 'contain', background: 'black' });
  const rows = cachedPixels(path.join(dir, 'contain.db'), contain.dataset).get('wide.png')!.pixels;
  const rowMean = (y: number) => rows.subarray(y * 24, (y + 1) * 24).reduce((a, b) => a + b, 0) / 24;
  assert.equal(rowMean(0), 0);
  assert.equal(rowMean(4), 255);
});

test('re-import: unchanged files are not decoded again, changed ones are, deleted ones become missing', async () => {
  const dir = tempDir();
  const root = path.join(dir, 'grow');
  await grayFolder(root, 3);
  const dbPath = path.join(dir, 'lab.db');
  const first = await importFolder({ dbPath, folder: root, size: 16 });
  const before = cachedPixels(dbPath, first.dataset);

  await writeImage(path.join(root, 'a', '0.png'), { channels: 1, seed: 77 });
  fs.rmSync(path.join(root, 'b', '1.png'));
  await writeImage(path.join(root, 'b', 'new.png'), { channels: 1, seed: 78 });
  const second = await importFolder({ dbPath, folder: root });
  assert.deepEqual(
    { added: second.added, updated: second.updated, unchanged: second.unchanged, missing: second.missing, items: second.items },
    { added: 1, updated: 1, unchanged: 6, missing: 1, items: 8 },
  );
  const after = cachedPixels(dbPath, first.dataset);
  assert.equal(after.get('a/1.png')!.cacheIndex, before.get('a/1.png')!.cacheIndex, 'unchanged item keeps its record');
  assert.notEqual(after.get('a/0.png')!.cacheIndex, before.get('a/0.png')!.cacheIndex, 'changed item gets a fresh record');
  assert.deepEqual(after.get('a/0.png')!.pixels, patternPixels(16, 16, 1, 77));
  assert.equal(after.get('a/0.png')!.id, before.get('a/0.png')!.id, 'a changed file stays the same item');
  assert.equal(after.get('b/1.png')!.status, 'missing');
  for (const [rel, item] of before) assert.equal(after.get(rel)!.split, item.split, `${rel} keeps its split`);

  fs.copyFileSync(path.join(root, 'b', '0.png'), path.join(root, 'b', '1.png'));
  const third = await importFolder({ dbPath, folder: root });
  assert.equal(third.missing, 0);
  assert.equal(third.items, 9);
});

test('the same folder at another size is a new dataset named with its size; --name names a new dataset, never renames', async () => {
  const dir = tempDir();
  const root = path.join(dir, 'x');
  await grayFolder(root, 1);
  const dbPath = path.join(dir, 'lab.db');
  const first = await importFolder({ dbPath, folder: root, size: 16 });
  const second = await importFolder({ dbPath, folder: root, size: 32 });
  assert.notEqual(second.dataset, first.dataset);
  assert.deepEqual([first.datasetName, second.datasetName, second.size, second.added], ['x', 'x-32px', 32, 4]);
  const again = await importFolder({ dbPath, folder: root, size: 32 });
  assert.deepEqual([again.dataset, again.unchanged], [second.dataset, 4], 'the same settings re-import the matching dataset');
  await assert.rejects(importFolder({ dbPath, folder: root }), (e: Error & { code?: string }) => e.code === 'ambiguous' && /"x" \(16px.*"x-32px" \(32px/.test(e.message));

  const named = await importFolder({ dbPath, folder: root, size: 16, name: 'junk-cli' });
  assert.ok(![first.dataset, second.dataset].includes(named.dataset), '--name made a new dataset');
  const db = openStore(dbPath);
  assert.deepEqual(listDatasets(db).map((d) => d.name), ['x', 'x-32px', 'junk-cli'], 'no dataset was renamed');
  db.close();
  assert.equal((await importFolder({ dbPath, folder: root, name: 'junk-cli' })).dataset, named.dataset, '--name of this folder\'s dataset re-imports it');
  await assert.rejects(importFolder({ dbPath, folder: root, name: 'junk-cli', size: 32 }), /imported with --size 16/);
  await assert.rejects(importFolder({ dbPath, folder: path.join(root, 'a'), name: 'junk-cli' }), (e: Error & { code?: string }) => e.code === 'name_taken');
});

test('an interrupted import leaves a consistent database and the next import continues', async () => {
  const dir = tempDir();
  const root = path.join(dir, 'many');
  const sources = await grayFolder(root, 150);
  const dbPath = path.join(dir, 'lab.db');
  const controller = new AbortController();
  await assert.rejects(
    importFolder({
      dbPath,
      folder: root,
      size: 16,
      runner: 'in-process',
      signal: controller.signal,
      onProgress: (p) => p.phase === 'decode' && p.done >= 64 && controller.abort(),
    }),
    (e: Error & { code?: string }) => e.code === 'interrupted' && /run the same import again/i.test(e.message),
  );
  const db = openStore(dbPath);
  const [dataset] = listDatasets(db);
  db.close();
  assert.ok(dataset.items > 0 && dataset.items < sources.size, `part was saved (${dataset.items})`);
  for (const [rel, item] of cachedPixels(dbPath, dataset.id)) assert.deepEqual(item.pixels, sources.get(rel), `${rel} points at its own pixels`);

  const rest = await importFolder({ dbPath, folder: root });
  assert.equal(rest.added, sources.size - dataset.items);
  assert.equal(rest.items, sources.size);
  for (const [rel, item] of cachedPixels(dbPath, dataset.id)) assert.deepEqual(item.pixels, sources.get(rel));
});

test('atlas pages hold every item at the documented tile position; items are served as PNG by id', async () => {
  const dir = tempDir();
  const root = path.join(dir, 'thumbs');
  await grayFolder(root, 2);
  const dbPath = path.join(dir, 'lab.db');
  const summary = await importFolder({ dbPath, folder: root, size: 32 });
  const cacheDir = cacheDirFor(dbPath);
  const db = openStore(dbPath);
  const item = resolveItem(db, summary.dataset, 'b/1.png');
  assert.deepEqual(resolveItem(db, summary.dataset, item.id), item);
  assert.throws(() => resolveItem(db, summary.dataset, 'b/none.png'), /no item "b\/none.png"/);
  const cached = cachedPixels(dbPath, summary.dataset).get('b/1.png')!.pixels;

  // at 32 px the tile is the cached image itself
  const layout = atlasLayout(32);
  assert.deepEqual(layout, { tile: 32, columns: 64, rows: 64, perPage: 4096, pagePixels: 2048 });
  const where = atlasTile(32, item.cacheIndex);
  const page = atlasPagePath(cacheDir, summary.dataset, 32, where.page);
  const tile = await sharp(page).extract({ left: where.x, top: where.y, width: 32, height: 32 }).toColourspace('b-w').raw().toBuffer();
  const meanError = tile.reduce((sum, v, i) => sum + Math.abs(v - cached[i]), 0) / tile.length;
  assert.ok(meanError < 12, `WebP tile is close to the cached pixels (mean error ${meanError.toFixed(1)})`);
  assert.deepEqual([...IMPORT_ATLAS_TILES], [32]);
  const large = atlasPagePath(cacheDir, summary.dataset, 64, 0);
  assert.ok(!fs.existsSync(large), '64 px pages are left to the first request');
  assert.equal(await ensureAtlasPage(db, cacheDir, summary.dataset, 64, 0), large);
  const whereLarge = atlasTile(64, item.cacheIndex);
  const largeTile = await sharp(large).extract({ left: whereLarge.x, top: whereLarge.y, width: 64, height: 64 }).toColourspace('b-w').raw().toBuffer();
  const upscaled = await sharp(cached, { raw: { width: 32, height: 32, channels: 1 } }).resize(64, 64).toColourspace('b-w').raw().toBuffer();
  const largeError = largeTile.reduce((sum, v, i) => sum + Math.abs(v - upscaled[i]), 0) / largeTile.length;
  assert.ok(largeError < 16, `64 px tile is the image scaled up (mean error ${largeError.toFixed(1)})`);
  await assert.rejects(ensureAtlasPage(db, cacheDir, summary.dataset, 64, 5), /has no atlas page 5/);
  await assert.rejects(ensureAtlasPage(db, cacheDir, summary.dataset, 50, 0), /not 50/);

  fs.rmSync(page);
  assert.equal(await ensureAtlasPage(db, cacheDir, summary.dataset, 32, 0), page);
  assert.ok(fs.existsSync(page), 'a missing page is drawn on request');

  const png = await itemPng(db, cacheDir, item.id);
  const meta = await sharp(png).metadata();
  assert.deepEqual([meta.format, meta.width, meta.channels], ['png', 32, 1]);
  assert.deepEqual(await sharp(png).toColourspace('b-w').raw().toBuffer(), cached);
  await assert.rejects(itemPng(db, cacheDir, 9999), /No item with id 9999/);
  assert.throws(() => getDataset(db, 'unknown'), /No dataset named "unknown". Datasets: "thumbs"/);
  db.close();
});

test('JPEG, WebP, GIF, TIFF and AVIF files import alongside PNG', async () => {
  const dir = tempDir();
  const root = path.join(dir, 'formats');
  const formats = ['png', 'jpg', 'webp', 'gif', 'tif', 'avif'];
  for (const [i, ext] of formats.entries()) {
    fs.mkdirSync(root, { recursive: true });
    await sharp({ create: { width: 12, height: 12, channels: 3, background: { r: 40 * i, g: 100, b: 200 } } })
      .toFormat(ext === 'jpg' ? 'jpeg' : ext === 'tif' ? 'tiff' : (ext as 'png'))
      .toFile(path.join(root, `image.${ext}`));
  }
  const summary = await importFolder({ dbPath: path.join(dir, 'lab.db'), folder: root, size: 8 });
  assert.deepEqual(summary.skipped, []);
  assert.equal(summary.items, formats.length);
  const green = [...cachedPixels(path.join(dir, 'lab.db'), summary.dataset).values()].map((item) => item.pixels[1]);
  assert.ok(green.every((g) => Math.abs(g - 100) < 12), `every format decodes to the colour drawn (green ${green})`);
});

test('a second import of the same folder while one runs is refused; a lock left by a dead process is taken over', async () => {
  const dir = tempDir();
  const root = path.join(dir, 'busy');
  await grayFolder(root, 20);
  const dbPath = path.join(dir, 'lab.db');
  const first = importFolder({ dbPath, folder: root, size: 16 });
  await assert.rejects(importFolder({ dbPath, folder: root, size: 16 }), (e: Error & { code?: string }) => e.code === 'import_running' && /Another import of .*busy is running/.test(e.message));
  assert.equal((await first).items, 42);

  const lock = fs.readdirSync(cacheDirFor(dbPath)).filter((f) => f.endsWith('.lock'));
  assert.deepEqual(lock, [], 'the lock is released');
  const name = `import-${crypto.createHash('sha256').update(root).digest('hex').slice(0, 16)}.lock`;
  fs.writeFileSync(path.join(cacheDirFor(dbPath), name), '999999999');
  assert.equal((await importFolder({ dbPath, folder: root })).unchanged, 42);
});
