import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { resolveConfig, type TrainOptions } from '../../src-main/engine/config.ts';
import { loadRunModel, type RunModel } from '../../src-main/engine/run-model.ts';
import { createRun } from '../../src-main/store/runs.ts';
import { datasetLabels } from '../../src-main/store/items.ts';
import { trainRun } from '../../src-main/engine/train/train-run.ts';
import { PixelCache, pixelCachePath } from '../../src-main/dataset/pixel-cache.ts';
import { analogy, applyAttribute, reconstructions } from '../../src-main/latent/arithmetic.ts';
import { attributeVector } from '../../src-main/latent/attributes.ts';
import { codeOf, loadRunCodes, type RunCodes } from '../../src-main/latent/codes.ts';
import { exportEmbeddingsCsv } from '../../src-main/latent/export.ts';
import { interpolateItems } from '../../src-main/latent/interpolate.ts';
import { rankOutliers } from '../../src-main/latent/outliers.ts';
import { seededRandom } from '../../src-main/random.ts';
import { manifoldGrid, sampleImages } from '../../src-main/latent/samples.ts';
import { cacheDirFor } from '../../src-main/paths.ts';
import { openStore, type Db } from '../../src-main/store/open.ts';
import { runCli } from '../helpers/cli.ts';
import { createSyntheticDataset, type SyntheticDataset } from '../helpers/synthetic-dataset.ts';
import { tempDir } from '../helpers/tmp.ts';

// 300 generated 12x12 shapes; every other one carries a known binary attribute `marked` (a white
// 2x2 square in the top-left corner, located like a smile or glasses in a face), plus 4 injected
// noise images; an autoencoder and a 2-D VAE train on them in seconds.
const SIZE = 12;
const PIXELS = SIZE * SIZE;
const dir = tempDir();
let ds: SyntheticDataset;
let db: Db;
const injected: number[] = [];
let ae: { runId: number; model: RunModel; codes: RunCodes };
let vae: { runId: number; model: RunModel; codes: RunCodes };

const marked = (index: number) => index % 2;

function addMarkerAttribute(): void {
  const cache = PixelCache.open(pixelCachePath(cacheDirFor(ds.dbPath), ds.datasetId), { size: SIZE, channels: 1 });
  const update = db.prepare('UPDATE items SET attributes = ? WHERE id = ?');
  ds.items.forEach((item, i) => {
    if (marked(i)) {
      const record = cache.read([i]);
      for (const p of [0, 1, SIZE, SIZE + 1]) record[p] = 255;
      cache.write(i, record);
    }
    update.run(JSON.stringify({ bright: item.bright, marked: marked(i) }), item.id);
  });
  cache.sync();
  cache.close();
  db.prepare('UPDATE datasets SET attributes = ? WHERE id = ?').run(JSON.stringify(['bright', 'marked']), ds.datasetId);
}

function injectNoiseItems(count: number): void {
  const random = seededRandom(99);
  const cache = PixelCache.open(pixelCachePath(cacheDirFor(ds.dbPath), ds.datasetId), { size: SIZE, channels: 1 });
  const insert = db.prepare("INSERT INTO items (dataset_id, path, label, attributes, split, hash, width, height, cache_index) VALUES (?, ?, 'noise', NULL, 'train', ?, ?, ?, ?)");
  for (let i = 0; i < count; i++) {
    const index = ds.items.length + i;
    cache.write(index, Uint8Array.from({ length: PIXELS }, () => Math.floor(random() * 256)));
    injected.push(Number(insert.run(ds.datasetId, `noise/${i}.png`, `noise-${i}`, SIZE, SIZE, index).lastInsertRowid));
  }
  cache.sync();
  cache.close();
}

async function train(options: TrainOptions) {
  const labels = options.model === 'cvae' ? { labels: datasetLabels(db, ds.datasetId) } : {};
  const config = resolveConfig({ batch: 32, lr: 0.003, epochs: 25, backend: 'cpu', ...options, ...labels }, { size: SIZE, channels: 1 });
  const runId = createRun(db, ds.datasetId, config, process.pid);
  await trainRun(db, ds.dbPath, runId, { emit: () => {}, shouldStop: () => false });
  return { runId, model: await loadRunModel(db, runId), codes: loadRunCodes(db, runId) };
}

before(async () => {
  ds = createSyntheticDataset(path.join(dir, 'latent.db'), { size: SIZE, count: 300 });
  db = openStore(ds.dbPath);
  addMarkerAttribute();
  injectNoiseItems(4);
  ae = await train({ model: 'ae', latent: 8, lr: 0.01, epochs: 60 });
  vae = await train({ model: 'vae', latent: 2, beta: 1 });
});

after(() => {
  ae?.model.dispose();
  vae?.model.dispose();
  db?.close();
});

/** Mean of the 2x2 corner where the marker goes. */
const corner = (pixels: Float32Array, i: number) => (pixels[i * PIXELS] + pixels[i * PIXELS + 1] + pixels[i * PIXELS + SIZE] + pixels[i * PIXELS + SIZE + 1]) / 4;
const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

test('slerp keeps the norm of VAE codes where lerp shrinks it', () => {
  const random = seededRandom(4);
  let slerpRatio = 0;
  let lerpRatio = 0;
  let pairs = 0;
  const shapes = ds.items;
  while (pairs < 40) {
    const a = shapes[Math.floor(random() * shapes.length)].id;
    const b = shapes[Math.floor(random() * shapes.length)].id;
    const [za, zb] = [codeOf(vae.codes, a), codeOf(vae.codes, b)];
    const cos = za.reduce((s, x, k) => s + x * zb[k], 0) / (norm(za) * norm(zb));
    if (!(cos < 0.5)) continue; // far apart in angle, where the two differ
    const ends = Math.sqrt(norm(za) * norm(zb));
    slerpRatio += norm(interpolateItems(db, vae.model, vae.codes, a, b, 3, 'slerp').codes.subarray(2, 4)) / ends;
    lerpRatio += norm(interpolateItems(db, vae.model, vae.codes, a, b, 3, 'lerp').codes.subarray(2, 4)) / ends;
    pairs++;
  }
  assert.ok(slerpRatio / pairs >= 0.999, `slerp midpoint norm / endpoint norm = ${slerpRatio / pairs}`);
  assert.ok(lerpRatio / pairs < 0.8, `lerp midpoint norm / endpoint norm = ${lerpRatio / pairs}`);
});

test("interpolation endpoints decode to the endpoints' reconstructions", () => {
  const [from, to] = [ds.items[3], ds.items[200]];
  for (const method of ['lerp', 'slerp'] as const) {
    const walk = interpolateItems(db, ae.model, ae.codes, from.id, to.id, 6, method);
    assert.equal(walk.n, 6);
    const cache = PixelCache.openReadOnly(pixelCachePath(cacheDirFor(ds.dbPath), ds.datasetId), { size: SIZE, channels: 1 });
    const pixels = Float32Array.from(cache.read([3, 200]), (v) => v / 255);
    cache.close();
    const reconstructed = ae.model.decode(ae.model.encode(pixels, 2).mean, 2);
    const first = walk.pixels.subarray(0, PIXELS);
    const last = walk.pixels.subarray(5 * PIXELS);
    for (let p = 0; p < PIXELS; p++) {
      assert.ok(Math.abs(first[p] - reconstructed[p]) < 1e-4, `${method} start pixel ${p}`);
      assert.ok(Math.abs(last[p] - reconstructed[PIXELS + p]) < 1e-4, `${method} end pixel ${p}`);
    }
    // and the middle is neither end
    const middle = walk.pixels.subarray(2 * PIXELS, 3 * PIXELS);
    assert.ok(middle.some((v, p) => Math.abs(v - first[p]) > 0.05));
  }
});

test('adding the attribute vector makes a classifier see the attribute; subtracting removes it', () => {
  const vector = attributeVector(db, ae.codes, 'marked');
  assert.ok(vector.auc > 0.9, `the vector alone separates marked items (AUC ${vector.auc})`);
  const isMarked = (item: (typeof ds.items)[number]) => marked(ds.items.indexOf(item)) === 1;
  // the simple classifier: nearest centroid on the corner's brightness, fitted on reconstructions of other items
  const fit = ds.items.slice(100);
  const fitRecon = reconstructions(db, ae.model, ae.codes, fit.map((i) => i.id));
  const centroid = (want: boolean) => {
    const values = fit.flatMap((item, i) => (isMarked(item) === want ? [corner(fitRecon.pixels, i)] : []));
    return values.reduce((a, b) => a + b, 0) / values.length;
  };
  const cut = (centroid(false) + centroid(true)) / 2;
  const looksMarked = (pixels: Float32Array, i: number) => corner(pixels, i) > cut;

  const without = ds.items.slice(0, 100).filter((i) => !isMarked(i));
  const withIt = ds.items.slice(0, 100).filter(isMarked);
  const seen = (items: typeof without, strength: number) =>
    items.filter((item) => looksMarked(applyAttribute(db, ae.model, ae.codes, item.id, 'marked', [strength]).pixels, 0)).length / items.length;
  assert.ok(seen(without, 0) < 0.2 && seen(withIt, 0) > 0.8, 'the classifier reads plain reconstructions correctly');
  const added = seen(without, 1);
  const removed = seen(withIt, -1);
  assert.ok(added > 0.8, `marked after adding the vector: ${added}`);
  assert.ok(removed < 0.2, `still marked after subtracting it: ${removed}`);
});

test('analogy decodes z_A - z_B + z_C', () => {
  const [a, b, c] = [ds.items[0].id, ds.items[1].id, ds.items[2].id];
  const result = analogy(db, ae.model, ae.codes, a, b, c);
  const expected = ae.model.decode(Float32Array.from(codeOf(ae.codes, a), (z, k) => z - codeOf(ae.codes, b)[k] + codeOf(ae.codes, c)[k]), 1);
  assert.deepEqual(result.pixels, expected);
});

test('injected outliers rank at the top, above the suggested threshold, by reconstruction error and by the default score', async () => {
  const report = await rankOutliers(db, ae.runId, { top: 10, score: 'recon_error' });
  assert.deepEqual(new Set(report.items.slice(0, 4).map((i) => i.itemId)), new Set(injected));
  assert.ok(report.items.slice(0, 4).every((i) => i.score > report.threshold));
  for (const run of [ae, vae]) {
    const combined = await rankOutliers(db, run.runId, { top: 4 });
    assert.equal(combined.score, 'combined');
    assert.deepEqual(new Set(combined.items.map((i) => i.itemId)), new Set(injected), `run ${run.runId}`);
  }
  assert.deepEqual(new Set((await rankOutliers(db, vae.runId, { top: 4, score: 'neg_elbo' })).items.map((i) => i.itemId)), new Set(injected));
});

test('prior samples and the 2-D manifold grid decode to images', () => {
  const samples = sampleImages(vae.model, vae.codes, 5, { seed: 1 });
  assert.equal(samples.source, 'prior');
  assert.equal(samples.pixels.length, 5 * PIXELS);
  assert.ok(samples.pixels.every((v) => v >= 0 && v <= 1));
  assert.deepEqual(sampleImages(vae.model, vae.codes, 5, { seed: 1 }).codes, samples.codes, 'seeded');
  const grid = manifoldGrid(vae.model, vae.codes, 4);
  assert.equal(grid.n, 16);
  assert.ok(Math.abs(grid.axis.x[0] + grid.axis.x[3]) < 1e-9, 'quantiles symmetric about 0');
  assert.throws(() => manifoldGrid(ae.model, ae.codes, 4), /needs a 2-D latent/);
  assert.equal(sampleImages(ae.model, ae.codes, 3).source, 'fitted-gaussian');
});

test('the exported CSV of a trained VAE parses back to the stored codes exactly', async () => {
  const file = path.join(dir, 'vae.csv');
  const { rows } = await exportEmbeddingsCsv(db, vae.runId, file);
  assert.equal(rows, vae.codes.n);
  const records = parse(fs.readFileSync(file), { columns: true, comment: '#' }) as Record<string, string>[];
  assert.deepEqual(Object.keys(records[0]), ['id', 'path', 'label', 'split', 'bright', 'marked', 'z0', 'z1', 'x', 'y', 'z', 'recon_error', 'neg_elbo']);
  records.forEach((r, i) => {
    assert.equal(Number(r.id), vae.codes.itemIds[i]);
    assert.equal(Math.fround(Number(r.z0)), vae.codes.codes[i * 2]);
    assert.equal(Math.fround(Number(r.z1)), vae.codes.codes[i * 2 + 1]);
  });
});

test('CLI: interpolate, attribute, analogy and sample write PNG strips and grids at the dataset size', async () => {
  const env = { LATENT_LAB_DB: ds.dbPath };
  const out = (name: string) => path.join(dir, name);
  const sharp = (await import('sharp')).default;
  const runs: [string[], string, number, number][] = [
    [['interpolate', String(ae.runId), '--from', String(ds.items[0].id), '--to', ds.items.at(-1)!.label + `/${ds.items.length - 1}.png`, '--steps', '5', '--out', out('walk.png')], 'walk.png', 5 * SIZE + 4 * 2, SIZE],
    [['attribute', String(ae.runId), '--attr', 'marked', '--item', String(ds.items[0].id), '--strength', '-1,0,1', '--out', out('attr.png')], 'attr.png', 3 * SIZE + 2 * 2, SIZE],
    [['analogy', String(ae.runId), '1', '2', '3', '--out', out('analogy.png')], 'analogy.png', 4 * SIZE + 3 * 2, SIZE],
    [['sample', String(vae.runId), '--manifold', '5', '--out', out('manifold.png')], 'manifold.png', 5 * SIZE, 5 * SIZE],
  ];
  for (const [args, file, width, height] of runs) {
    const result = runCli(args, env);
    assert.equal(result.status, 0, `${args.join(' ')}\n${result.stderr}`);
    const meta = await sharp(out(file)).metadata();
    assert.deepEqual([meta.width, meta.height], [width, height], file);
  }
  const list = runCli(['attribute', String(ae.runId), '--json'], env);
  assert.equal(list.status, 0, list.stderr);
  assert.deepEqual(
    (JSON.parse(list.stdout) as { name: string }[]).map((v) => v.name),
    ['bright', 'marked', 'blob', 'hbar', 'noise', 'vbar'],
  );
  const bad = runCli(['sample', String(ae.runId), '--label', 'blob', '--out', out('x.png')], env);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /not conditional/);
});
