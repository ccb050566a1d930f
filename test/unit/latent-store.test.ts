import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { attributeVector, attributeVectors } from '../../src-main/latent/attributes.ts';
import { loadRunCodes } from '../../src-main/latent/codes.ts';
import { createApi } from '../../src-main/api/create-api.ts';
import { exportEmbeddingsCsv, exportOutliersCsv, neutraliseFormula } from '../../src-main/latent/export.ts';
import { nearestItems } from '../../src-main/latent/neighbors.ts';
import { rankOutliers } from '../../src-main/latent/outliers.ts';
import { getProjection } from '../../src-main/latent/projections.ts';
import { PixelCache, pixelCachePath } from '../../src-main/dataset/pixel-cache.ts';
import { cacheDirFor } from '../../src-main/paths.ts';
import { gaussian, seededRandom } from '../../src-main/random.ts';
import { openStore, type Db } from '../../src-main/store/open.ts';
import { outlierScoreNames, type OutlierScore } from '../../src-main/contract/contract.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

interface Row {
  path: string;
  label: string | null;
  attributes: Record<string, 0 | 1> | null;
  code: number[];
  logvar?: number[];
  recon: number;
  negElbo?: number;
  /** 8 x 8 grey pixels; a smooth gradient when not given. */
  pixels?: Uint8Array;
}

const gradient = Uint8Array.from({ length: 64 }, (_, p) => (p % 8) * 30 + Math.floor(p / 8) * 3);

/** A dataset, a completed run and its stored codes and scores, written as the import and the trainer would. */
function seed(db: Db, rows: Row[], attributes: string[] = []): { runId: number; itemIds: number[] } {
  const datasetId = Number(
    db.prepare("INSERT INTO datasets (name, root, size, channels, fit, attributes) VALUES (?, ?, 8, 1, 'cover', ?)").run(`d${Date.now()}${Math.random()}`, `/x/${Math.random()}`, JSON.stringify(attributes))
      .lastInsertRowid,
  );
  const runId = Number(db.prepare("INSERT INTO runs (dataset_id, model, config, status) VALUES (?, 'ae', '{}', 'completed')").run(datasetId).lastInsertRowid);
  const item = db.prepare("INSERT INTO items (dataset_id, path, label, attributes, split, hash, width, height, cache_index) VALUES (?, ?, ?, ?, ?, 'h', 8, 8, ?)");
  const code = db.prepare('INSERT INTO embeddings (run_id, item_id, code, logvar) VALUES (?, ?, ?, ?)');
  const score = db.prepare('INSERT INTO scores (run_id, item_id, recon_error, neg_elbo) VALUES (?, ?, ?, ?)');
  const blob = (v: number[]) => Buffer.from(Float32Array.from(v).buffer);
  const itemIds: number[] = [];
  const cache = PixelCache.open(pixelCachePath(cacheDirFor(db.name), datasetId), { size: 8, channels: 1 });
  rows.forEach((r, i) => cache.write(i, r.pixels ?? gradient));
  cache.close();
  db.transaction(() => {
    rows.forEach((r, i) => {
      const id = Number(item.run(datasetId, r.path, r.label, r.attributes ? JSON.stringify(r.attributes) : null, i % 5 ? 'train' : 'val', i).lastInsertRowid);
      itemIds.push(id);
      code.run(runId, id, blob(r.code), r.logvar ? blob(r.logvar) : null);
      score.run(runId, id, r.recon, r.negElbo ?? null);
    });
  })();
  return { runId, itemIds };
}

const dir = tempDir();
const dbPath = path.join(dir, 'latent.db');
const normal = gaussian(seededRandom(11));

test('projections are stored per (run, method, params) and read back instead of recomputed', async () => {
  const db = openStore(dbPath);
  const { runId } = seed(
    db,
    Array.from({ length: 60 }, (_, i) => ({ path: `p${i}.png`, label: null, attributes: null, code: [normal(), normal(), normal(), normal()], recon: 0.01 })),
  );
  const first = await getProjection(db, runId, { method: 'pca' });
  assert.equal(first.cached, false);
  const again = await getProjection(db, runId, { method: 'pca' });
  assert.equal(again.cached, true);
  assert.deepEqual(again.coords, first.coords);
  assert.deepEqual(again.itemIds, first.itemIds);

  const raw = await getProjection(db, runId, { method: 'raw', dims: [3, 0, 1] });
  const codes = loadRunCodes(db, runId);
  assert.equal(raw.coords[0], codes.codes[3]);
  assert.equal(raw.coords[1], codes.codes[0]);
  await assert.rejects(getProjection(db, runId, { method: 'raw', dims: [0, 4] }), /dimension 4 does not exist.*0\.\.3/);

  const umapA = await getProjection(db, runId, { method: 'umap', params: { seed: 3, nEpochs: 50 } });
  const umapB = await getProjection(db, runId, { method: 'umap', params: { nEpochs: 50, seed: 3 } });
  assert.equal(umapB.cached, true, 'the same parameters in another order hit the stored layout');
  assert.equal(umapA.params.seed, 3);
  assert.equal(umapA.params.nNeighbors, 15, 'defaults are recorded with the layout');
  const rows = db.prepare('SELECT method FROM projections WHERE run_id = ? ORDER BY method').pluck().all(runId);
  assert.deepEqual(rows, ['pca', 'raw', 'umap']);

  // re-embedding the run (new codes, and the run row touched, as the trainer does) must not serve the old layout
  db.prepare('UPDATE embeddings SET code = ? WHERE run_id = ? AND item_id = (SELECT min(item_id) FROM embeddings WHERE run_id = ?)').run(Buffer.from(Float32Array.of(9, 9, 9, 9).buffer), runId, runId);
  db.prepare("UPDATE runs SET updated_at = 'later' WHERE id = ?").run(runId);
  assert.deepEqual(Array.from(loadRunCodes(db, runId).codes.subarray(0, 4)), [9, 9, 9, 9], 'the codes are read from the store');
  const fresh = await getProjection(db, runId, { method: 'pca' });
  assert.equal(fresh.cached, false);
  assert.equal(db.prepare("SELECT count(*) FROM projections WHERE run_id = ? AND method = 'pca'").pluck().get(runId), 1, 'the stale layout is dropped');
  db.close();
});

test('a 2-D latent projects raw with z = 0, and UMAP is reproducible from its seed', async () => {
  const db = openStore(dbPath);
  const { runId } = seed(
    db,
    Array.from({ length: 40 }, (_, i) => ({ path: `q${i}.png`, label: null, attributes: null, code: [i % 2 ? 5 + normal() : normal(), normal()], recon: 0.01 })),
  );
  const raw = await getProjection(db, runId, { method: 'raw' });
  for (let i = 0; i < 40; i++) assert.equal(raw.coords[i * 3 + 2], 0);
  const a = await getProjection(db, runId, { method: 'umap', params: { seed: 7, nEpochs: 30 } });
  db.prepare('DELETE FROM projections WHERE run_id = ?').run(runId);
  const b = await getProjection(db, runId, { method: 'umap', params: { seed: 7, nEpochs: 30 } });
  assert.equal(b.cached, false);
  assert.deepEqual(b.coords, a.coords);
  db.close();
});

test('an aborted UMAP rejects and stores nothing', async () => {
  const db = openStore(dbPath);
  const { runId } = seed(
    db,
    Array.from({ length: 40 }, (_, i) => ({ path: `r${i}.png`, label: null, attributes: null, code: [normal(), normal(), normal()], recon: 0.01 })),
  );
  const controller = new AbortController();
  const request = { method: 'umap', params: { seed: 1, nEpochs: 30 } } as const;
  await assert.rejects(getProjection(db, runId, request, { signal: controller.signal, onProgress: () => controller.abort() }), { name: 'AbortError' });
  assert.equal(db.prepare('SELECT count(*) FROM projections WHERE run_id = ?').pluck().get(runId), 0);
  db.close();
});

test('neighbours of an item leave the item out; cosine ignores length', () => {
  const db = openStore(dbPath);
  const { runId, itemIds } = seed(db, [
    { path: 'a.png', label: null, attributes: null, code: [1, 0], recon: 0 },
    { path: 'b.png', label: null, attributes: null, code: [1.1, 0], recon: 0 },
    { path: 'c.png', label: null, attributes: null, code: [10, 0.5], recon: 0 },
    { path: 'd.png', label: null, attributes: null, code: [0, 1.2], recon: 0 },
  ]);
  const codes = loadRunCodes(db, runId);
  const euclid = nearestItems(codes, { itemId: itemIds[0] }, 2);
  assert.deepEqual(
    euclid.map((n) => n.itemId),
    [itemIds[1], itemIds[3]],
  );
  assert.ok(Math.abs(euclid[0].distance - 0.1) < 1e-6);
  const cosine = nearestItems(codes, { itemId: itemIds[0] }, 2, 'cosine');
  assert.deepEqual(
    cosine.map((n) => n.itemId),
    [itemIds[1], itemIds[2]],
  );
  assert.deepEqual(
    nearestItems(codes, { code: [0, 5] }, 1).map((n) => n.itemId),
    [itemIds[3]],
  );
  assert.throws(() => nearestItems(codes, { code: [0, 5, 1] }, 1), /3 values.*2-D codes/);
  assert.throws(() => nearestItems(codes, { itemId: 999_999 }, 1), /no code for item 999999/);
  db.close();
});

test('attribute vectors: mean with minus without, AUC of the projection, balancing removes a confounder', () => {
  const db = openStore(dbPath);
  // dim 0 carries "smile", dim 1 carries "glasses"; smiles are mostly with glasses (confounded)
  const rows: Row[] = [];
  const cells: [number, number, number][] = [
    [1, 1, 40],
    [1, 0, 10],
    [0, 1, 10],
    [0, 0, 40],
  ];
  for (const [smile, glasses, count] of cells) {
    for (let i = 0; i < count; i++) {
      rows.push({ path: `s${smile}g${glasses}_${i}.png`, label: smile ? 'happy' : 'calm', attributes: { smile: smile as 0 | 1, glasses: glasses as 0 | 1 }, code: [2 * smile + 0.1 * normal(), 3 * glasses + 0.1 * normal(), normal()], recon: 0 });
    }
  }
  rows.push({ path: 'unknown.png', label: null, attributes: null, code: [100, 100, 100], recon: 0 });
  const { runId } = seed(db, rows, ['smile', 'glasses']);
  const codes = loadRunCodes(db, runId);
  const plain = attributeVector(db, codes, 'smile');
  assert.equal(plain.withCount, 50);
  assert.equal(plain.withoutCount, 50);
  assert.ok(Math.abs(plain.vector[0] - 2) < 0.1);
  // the confounder leaks in: (40*3 + 10*0)/50 - (10*3)/50 = 1.8
  assert.ok(Math.abs(plain.vector[1] - 1.8) < 0.15, `unbalanced glasses component ${plain.vector[1]}`);
  // along the confounded vector, smilers without glasses score below non-smilers with them: 10 x 10 of 50 x 50 pairs lost
  assert.ok(Math.abs(plain.auc - 0.96) < 1e-9, `unbalanced AUC ${plain.auc}`);
  const balanced = attributeVector(db, codes, 'smile', ['glasses']);
  assert.ok(Math.abs(balanced.vector[0] - 2) < 0.1);
  assert.ok(Math.abs(balanced.vector[1]) < 0.1, `balanced glasses component ${balanced.vector[1]}`);
  assert.deepEqual(balanced.balancedAgainst, ['glasses']);
  assert.equal(balanced.auc, 1);

  const all = attributeVectors(db, codes);
  assert.deepEqual(
    all.map((v) => `${v.kind}:${v.name}`),
    ['attribute:smile', 'attribute:glasses', 'label:calm', 'label:happy'],
  );
  const happy = all.find((v) => v.name === 'happy')!;
  assert.equal(happy.withCount, 50);
  assert.throws(() => attributeVector(db, codes, 'hat'), /No attribute or label "hat".*smile, glasses, calm, happy/);
  assert.throws(() => attributeVectors(db, codes, ['hat']), /cannot balance against "hat"/);
  db.close();
});

/**
 * 200 ordinary images (textured, typical codes and likelihoods) and three planted foreign ones: a flat
 * image the model reconstructs too well (simpler than the data), a noise image it cannot reconstruct
 * (more complex), and an image whose code lies far from every training code.
 */
function plantedRun(db: Db, variational: boolean) {
  const random = seededRandom(5);
  const texture = () => Uint8Array.from({ length: 64 }, (_, p) => ((p % 8) * 30 + random() * 40) & 255);
  const rows: Row[] = Array.from({ length: 200 }, (_, i) => {
    const recon = 0.02 * Math.exp(0.1 * normal());
    return { path: `n${i}.png`, label: 'x', attributes: null, code: [normal(), normal(), normal()], recon, pixels: texture(), negElbo: variational ? 150 + 5 * normal() : undefined };
  });
  rows[17] = { ...rows[17], path: 'flat.png', pixels: new Uint8Array(64).fill(90), recon: 0.004, negElbo: variational ? 120 : undefined };
  rows[80] = { ...rows[80], path: 'noise.png', pixels: Uint8Array.from({ length: 64 }, () => Math.floor(random() * 256)), recon: 0.2, negElbo: variational ? 400 : undefined };
  rows[123] = { ...rows[123], path: 'far-code.png', code: [9, -9, 9] };
  return seed(db, rows).runId;
}

test('each score ranks a planted foreign image first: simple ones by complexity, complex ones by likelihood, odd codes by density', async () => {
  const db = openStore(dbPath);
  for (const variational of [false, true]) {
    const runId = plantedRun(db, variational);
    const first = async (score: OutlierScore) => (await rankOutliers(db, runId, { score, top: 3 })).items[0].path;
    assert.equal(await first('recon_error'), 'noise.png');
    if (variational) assert.equal(await first('neg_elbo'), 'noise.png');
    assert.equal(await first('complexity_corrected'), 'flat.png', 'the flat image is the most normal by likelihood, the most foreign once its complexity is subtracted');
    assert.equal(await first('latent_density'), 'far-code.png');
    const combined = await rankOutliers(db, runId, { top: 3 });
    assert.equal(combined.score, 'combined');
    const caught = combined.items.slice(0, 3);
    assert.deepEqual(caught.map((i) => i.path).sort(), ['far-code.png', 'flat.png', 'noise.png'], 'the default catches the simpler, the more complex and the odd-code image');
    assert.ok(caught.every((i) => i.score > combined.threshold), 'all above the suggested threshold');
    assert.deepEqual(combined.available, variational ? [...outlierScoreNames] : outlierScoreNames.filter((n) => n !== 'neg_elbo'));
  }
  db.close();
});

test('the threshold follows the score shown and the list is never empty, even when nothing is above it', async () => {
  const db = openStore(dbPath);
  const rows: Row[] = Array.from({ length: 50 }, (_, i) => ({ path: `same${i}.png`, label: null, attributes: null, code: [normal(), normal()], recon: 0.01 * (1 + (i % 5) / 100) }));
  const { runId } = seed(db, rows);
  for (const score of ['recon_error', 'combined', 'latent_density'] as const) {
    const report = await rankOutliers(db, runId, { score, top: 10 });
    assert.equal(report.items.length, 10, score);
    const { counts, beyond, min, width } = report.histogram;
    assert.equal(counts.reduce((a, b) => a + b, beyond), 50, 'the histogram counts every item');
    const edge = Math.round((report.threshold - min) / width);
    assert.ok(Math.abs(min + edge * width - report.threshold) < 1e-9 * Math.max(1, Math.abs(report.threshold)), 'the threshold is a bin edge');
    assert.equal(counts.slice(edge).reduce((a, b) => a + b, beyond), report.aboveThreshold, 'the bins above it hold exactly the items above it');
    assert.ok(report.threshold >= report.median, `${score}: threshold at or above the median of its own score`);
    assert.equal(report.aboveThreshold, report.items.filter((i) => i.score > report.threshold).length);
  }
  await assert.rejects(rankOutliers(db, runId, { score: 'neg_elbo' }), /--score neg_elbo is not available for run \d+; it has combined/);
  db.close();
});

test('a far tail of scores gets a bar of its own instead of squeezing the rest into one', async () => {
  const db = openStore(dbPath);
  const rows: Row[] = Array.from({ length: 300 }, (_, i) => ({ path: `t${i}.png`, label: null, attributes: null, code: [normal(), normal()], recon: 0.01 * Math.exp(0.2 * normal()) }));
  for (const i of [3, 150, 299]) rows[i] = { ...rows[i], recon: 50 };
  const { runId } = seed(db, rows);
  const report = await rankOutliers(db, runId, { score: 'recon_error', top: 5 });
  const { counts, beyond, max } = report.histogram;
  assert.equal(beyond, 3, 'the three far scores lie beyond the axis');
  assert.ok(max < 1, `the axis spans the bulk (ends at ${max})`);
  assert.ok(counts.filter((c) => c > 0).length >= 10, 'the bulk is spread over many bars');
  assert.equal(report.aboveThreshold, counts.slice(Math.round((report.threshold - report.histogram.min) / report.histogram.width)).reduce((a, b) => a + b, beyond));
  db.close();
});

test('the exported CSV parses back to the stored codes exactly, with projection and scores', async () => {
  const db = openStore(dbPath);
  const rows: Row[] = Array.from({ length: 300 }, (_, i) => ({
    path: i === 7 ? 'needs "quoting", really.png' : `c/${i}.png`,
    label: i % 3 ? 'a' : null,
    attributes: i % 4 ? { smile: (i % 2) as 0 | 1 } : null,
    code: [normal() * 1e-3, normal() * 1e4, normal(), 1 / 3],
    logvar: [normal(), normal(), normal(), normal()],
    recon: Math.random() / 7,
    negElbo: 100 * Math.random(),
  }));
  const { runId, itemIds } = seed(db, rows, ['smile']);
  const file = path.join(dir, 'out.csv');
  const written = await exportEmbeddingsCsv(db, runId, file);
  assert.equal(written.rows, 300);
  const records = parse(fs.readFileSync(file), { columns: true, comment: '#' }) as Record<string, string>[];
  assert.deepEqual(Object.keys(records[0]), ['id', 'path', 'label', 'split', 'smile', 'z0', 'z1', 'z2', 'z3', 'x', 'y', 'z', 'recon_error', 'neg_elbo']);
  const codes = loadRunCodes(db, runId);
  const pca = await getProjection(db, runId, { method: 'pca' });
  assert.equal(pca.cached, true, 'the export stored the PCA projection it computed');
  records.forEach((record, i) => {
    assert.equal(Number(record.id), itemIds[i]);
    assert.equal(record.path, rows[i].path);
    assert.equal(record.label, rows[i].label ?? '');
    for (let k = 0; k < 4; k++) assert.ok(Object.is(Math.fround(Number(record[`z${k}`])), codes.codes[i * 4 + k]), `row ${i} z${k}`);
    for (let k = 0; k < 3; k++) assert.equal(Math.fround(Number(record['xyz'[k]])), pca.coords[i * 3 + k]);
    assert.equal(Number(record.recon_error), rows[i].recon);
    assert.equal(Number(record.neg_elbo), rows[i].negElbo);
    assert.equal(record.smile, rows[i].attributes ? String(rows[i].attributes!.smile) : '');
  });

  const outlierFile = path.join(dir, 'outliers.csv');
  const every = await exportOutliersCsv(db, runId, outlierFile);
  assert.equal(every.rows, 300, 'every scored item, not a top slice');
  const outliers = parse(fs.readFileSync(outlierFile), { columns: true, comment: '#' }) as Record<string, string>[];
  assert.equal(outliers.length, 300);
  assert.deepEqual(Object.keys(outliers[0]), ['rank', 'id', 'path', 'label', 'split', 'combined', 'complexity_corrected', 'latent_density', 'neg_elbo', 'recon_error', 'above_threshold']);
  const combined = outliers.map((o) => Number(o.combined));
  assert.ok(combined.every((v, i) => i === 0 || v <= combined[i - 1]), 'ranked by the combined score');
  const byNegElbo = await exportOutliersCsv(db, runId, outlierFile, { score: 'neg_elbo' });
  assert.equal(byNegElbo.rows, 300);
  const sorted = [...rows].sort((a, b) => b.negElbo! - a.negElbo!);
  assert.equal(Number((parse(fs.readFileSync(outlierFile), { columns: true }) as Record<string, string>[])[0].neg_elbo), sorted[0].negElbo);
  db.close();
});

test('CLI: project, neighbors, outliers and export work on a stored run and explain bad input', () => {
  const db = openStore(dbPath);
  const { runId, itemIds } = seed(
    db,
    Array.from({ length: 30 }, (_, i) => ({ path: `cli/${i}.png`, label: 'l', attributes: null, code: [i, 0, 0], recon: i === 4 ? 1 : 0.01 + 0.001 * normal() })),
  );
  db.close();
  const env = { LATENT_LAB_DB: dbPath };
  const project = runCli(['project', String(runId), '--method', 'raw', '--json'], env);
  assert.equal(project.status, 0, project.stderr);
  const projected = JSON.parse(project.stdout) as { itemIds: number[]; coords: number[] };
  assert.deepEqual(projected.itemIds, itemIds);
  assert.equal(projected.coords[3 * 5], 5);

  const neighbours = runCli(['neighbors', String(runId), 'cli/10.png', '--k', '2', '--json'], env);
  assert.equal(neighbours.status, 0, neighbours.stderr);
  assert.deepEqual(
    (JSON.parse(neighbours.stdout) as { path: string }[]).map((n) => n.path).sort(),
    ['cli/11.png', 'cli/9.png'],
  );

  const outliers = runCli(['outliers', String(runId), '--top', '3', '--score', 'recon_error'], env);
  assert.equal(outliers.status, 0, outliers.stderr);
  assert.match(outliers.stdout, /scored by recon_error: .*suggested threshold .*; 1 above it/);
  assert.match(outliers.stdout.split('\n')[1], /^\s+rank\s+item\s+score/, 'a header row');
  assert.match(outliers.stdout.split('\n')[2], /^\s+1 \*\s+\d+\s+1\.0000\s+1\.000\s+l\s+cli\/4\.png/);
  const byDefault = runCli(['outliers', String(runId), '--json'], env);
  assert.equal(byDefault.status, 0, byDefault.stderr);
  assert.equal((JSON.parse(byDefault.stdout) as { score: string }).score, 'combined');

  const csv = path.join(dir, 'cli.csv');
  const exported = runCli(['export', String(runId), '--out', csv], env);
  assert.equal(exported.status, 0, exported.stderr);
  assert.match(exported.stdout, /wrote 30 rows/);

  for (const [args, message] of [
    [['neighbors', String(runId), 'nope.png'], /has no item "nope.png"/],
    [['neighbors', 'abc', '1'], /"abc" is not a run id/],
    [['project', '999', '--method', 'pca'], /There is no run 999/],
    [['project', String(runId), '--method', 'tsne'], /--method must be one of pca, umap, raw/],
    [['export', String(runId), '--out', path.join(dir, 'x.txt')], /must name a .csv file/],
    [['outliers', String(runId), '--score', 'weird'], /--score must be one of combined, complexity_corrected, latent_density, neg_elbo, recon_error/],
    [['outliers', String(runId), '--score', 'neg_elbo'], /--score neg_elbo is not available/],
  ] as [string[], RegExp][]) {
    const result = runCli(args, env);
    assert.equal(result.status, 1, `${args.join(' ')}: ${result.stdout}`);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('text cells a spreadsheet would run as formulas get a leading quote; numbers and --raw keep their bytes', async () => {
  for (const [text, safe] of [['=SUM(A1)', "'=SUM(A1)"], ['+1', "'+1"], ['-x', "'-x"], ['@cmd', "'@cmd"], ['\tx', "'\tx"], ['\rx', "'\rx"], ['a=b', 'a=b'], ['', '']]) {
    assert.equal(neutraliseFormula(text), safe);
  }
  const db = openStore(dbPath);
  const { runId } = seed(db, [
    { path: '=HYPERLINK("x").png', label: '-minus', attributes: null, code: [-1.5, 2], recon: 0.1 },
    { path: 'plain.png', label: 'ok', attributes: null, code: [1, -2], recon: 0.2 },
  ]);
  const file = path.join(dir, 'formulas.csv');
  await exportEmbeddingsCsv(db, runId, file);
  const safe = parse(fs.readFileSync(file), { columns: true, comment: '#' }) as Record<string, string>[];
  assert.equal(safe[0].path, `'=HYPERLINK("x").png`);
  assert.equal(safe[0].label, "'-minus");
  assert.equal(safe[0].z0, '-1.5', 'numbers are not text: no quote');
  assert.equal(safe[1].z1, '-2');
  await exportEmbeddingsCsv(db, runId, file, { raw: true });
  const raw = parse(fs.readFileSync(file), { columns: true, comment: '#' }) as Record<string, string>[];
  assert.equal(raw[0].path, '=HYPERLINK("x").png');
  assert.equal(raw[0].label, '-minus');
  db.close();
});

test('CLI export: the projection in view, only some items, or a saved set', async () => {
  const db = openStore(dbPath);
  const { runId, itemIds } = seed(
    db,
    Array.from({ length: 40 }, (_, i) => ({ path: `sel/${i}.png`, label: String(i % 3), attributes: null, code: [normal(), normal(), normal(), i / 40], recon: 0.01 + i / 1000 })),
  );
  db.close();
  const env = { LATENT_LAB_DB: dbPath };
  const read = (file: string) => parse(fs.readFileSync(file), { columns: true, comment: '#' }) as Record<string, string>[];

  const project = runCli(['project', String(runId), '--method', 'umap', '--seed', '7', '--json'], env);
  assert.equal(project.status, 0, project.stderr);
  const umap = JSON.parse(project.stdout) as { itemIds: number[]; coords: number[]; params: Record<string, unknown> };
  const umapFile = path.join(dir, 'umap.csv');
  const exported = runCli(['export', String(runId), '--projection', 'umap', '--seed', '7', '--out', umapFile], env);
  assert.equal(exported.status, 0, exported.stderr);
  assert.match(fs.readFileSync(umapFile, 'utf8').split('\n')[0], /^# latent-lab run \d+; x,y,z: umap projection \{.*"seed":7/);
  const rows = read(umapFile);
  assert.deepEqual(rows.map((r) => Number(r.id)), umap.itemIds);
  rows.forEach((r, i) => {
    for (let k = 0; k < 3; k++) assert.equal(Math.fround(Number(r['xyz'[k]])), Math.fround(umap.coords[3 * i + k]), `item ${r.id} ${'xyz'[k]}`);
  });

  const picked = [itemIds[7], itemIds[2], itemIds[31]];
  const itemsFile = path.join(dir, 'items.csv');
  const images = path.join(dir, 'images');
  const some = runCli(['export', String(runId), '--items', picked.join(','), '--out', itemsFile, '--images', images], env);
  assert.equal(some.status, 0, some.stderr);
  assert.deepEqual(read(itemsFile).map((r) => Number(r.id)), [...picked].sort((a, b) => a - b));
  assert.match(some.stdout, /copied 0 images .*3 missing/, 'the seeded items have no files: each is listed');

  const api = createApi({ dbPath, host: { kind: 'cli' }, log: () => undefined });
  const { datasetId } = await api.invoke('getRun', { runId });
  const set = await api.invoke('saveSet', { datasetId, name: 'odd ones', itemIds: [itemIds[5], itemIds[1]] });
  assert.deepEqual(set.itemIds, [itemIds[1], itemIds[5]]);
  await assert.rejects(api.invoke('saveSet', { datasetId, name: 'x', itemIds: [999_999] }), /not in dataset/);
  const vectors = (await api.invoke('attributeVectors', { runId })).vectors;
  assert.deepEqual(
    vectors.filter((v) => v.kind === 'set').map(({ name, withCount, withoutCount }) => ({ name, withCount, withoutCount })),
    [{ name: 'odd ones', withCount: 2, withoutCount: 38 }],
    'a saved set is an attribute for attribute vectors',
  );
  await api.close();
  const setFile = path.join(dir, 'set.csv');
  const fromSet = runCli(['export', String(runId), '--set', 'odd ones', '--out', setFile], env);
  assert.equal(fromSet.status, 0, fromSet.stderr);
  assert.deepEqual(read(setFile).map((r) => Number(r.id)), [itemIds[1], itemIds[5]]);

  for (const [args, message] of [
    [['--items', '999999'], /items 999999 have no code in run/],
    [['--set', 'nope'], /has no set named "nope"/],
    [['--projection', 'tsne'], /--projection must be one of pca, umap, raw/],
    [['--items', '1', '--set', 'odd ones'], /either --items or --set/],
  ] as [string[], RegExp][]) {
    const result = runCli(['export', String(runId), '--out', path.join(dir, 'bad.csv'), ...args], env);
    assert.equal(result.status, 1, args.join(' '));
    assert.match(result.stderr, message);
  }
});
