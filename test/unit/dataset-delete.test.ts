import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { createApi } from '../../src-main/api/create-api.ts';
import type { ApiEvent } from '../../src-main/contract/contract.ts';
import { ensureAtlasPage } from '../../src-main/dataset/atlas.ts';
import { importFolder } from '../../src-main/dataset/import.ts';
import { cacheDirFor } from '../../src-main/paths.ts';
import { migrations } from '../../src-main/store/migrations.ts';
import { openStore } from '../../src-main/store/open.ts';
import { tempDir } from '../helpers/tmp.ts';

async function iconFolder(root: string, n = 6): Promise<void> {
  fs.mkdirSync(root, { recursive: true });
  for (let i = 0; i < n; i++) {
    await sharp({ create: { width: 12, height: 12, channels: 4, background: { r: 30 * i, g: 0, b: 0, alpha: 0.5 } } }).png().toFile(path.join(root, `icon-${i}.png`));
  }
}

const tablesHangingOff = ['items', 'runs', 'metrics', 'weights', 'embeddings', 'scores', 'projections'];

test('deleting a dataset leaves no rows and no cache files, keeps other datasets, and the database checks clean', async () => {
  const dir = tempDir();
  const dbPath = path.join(dir, 'lab.db');
  const root = path.join(dir, 'icons');
  await iconFolder(root);
  const keep = await importFolder({ dbPath, folder: root, size: 16 });
  const doomed = await importFolder({ dbPath, folder: root, size: 32 });
  const db = openStore(dbPath);
  // a run with something in every table that hangs off a run, as the trainer and the latent tools write them
  const runId = Number(db.prepare("INSERT INTO runs (dataset_id, model, config, status, epochs_done) VALUES (?, 'ae', '{}', 'completed', 1)").run(doomed.dataset).lastInsertRowid);
  const itemId = db.prepare('SELECT id FROM items WHERE dataset_id = ? LIMIT 1').pluck().get(doomed.dataset) as number;
  const blob = Buffer.from(new Float32Array([1, 2]).buffer);
  db.prepare('INSERT INTO metrics (run_id, epoch, train_loss) VALUES (?, 1, 0.5)').run(runId);
  db.prepare("INSERT INTO weights (run_id, part, epoch, weight_specs, data) VALUES (?, 'encoder', 1, '[]', ?)").run(runId, blob);
  db.prepare('INSERT INTO embeddings (run_id, item_id, code) VALUES (?, ?, ?)').run(runId, itemId, blob);
  db.prepare('INSERT INTO scores (run_id, item_id, recon_error) VALUES (?, ?, 0.1)').run(runId, itemId);
  db.prepare("INSERT INTO projections (run_id, method, params, item_ids, coords) VALUES (?, 'pca', '{}', ?, ?)").run(runId, blob, blob);
  const cacheDir = cacheDirFor(dbPath);
  await ensureAtlasPage(db, cacheDir, doomed.dataset, 64, 0);
  db.close();
  const filesOf = (id: number) => [...fs.readdirSync(cacheDir), ...fs.readdirSync(path.join(cacheDir, 'atlas'))].filter((f) => f.startsWith(`dataset-${id}-`) || f === `dataset-${id}.pixels`);
  assert.equal(filesOf(doomed.dataset).length, 3, 'pixels, a 32 px and a 64 px atlas page');

  const api = createApi({ dbPath, host: { kind: 'cli' } });
  const events: ApiEvent[] = [];
  api.events.subscribe((event) => events.push(event));
  const deleted = await api.invoke('deleteDataset', { datasetId: doomed.dataset });
  assert.deepEqual(deleted, { deleted: true, items: 6, runs: 1, files: 3 });
  assert.deepEqual(events.map((e) => e.type), ['datasets.changed', 'runs.changed']);
  await assert.rejects(api.invoke('deleteDataset', { datasetId: doomed.dataset }), /No dataset with id/);
  assert.deepEqual((await api.invoke('listDatasets', {})).map((d) => d.id), [keep.dataset]);
  await api.close();

  assert.deepEqual(filesOf(doomed.dataset), [], 'no cache file of the deleted dataset is left');
  assert.ok(filesOf(keep.dataset).length > 0, "the other dataset's files stay");
  const check = openStore(dbPath);
  for (const table of tablesHangingOff) {
    const sql = table === 'items' || table === 'runs' ? `SELECT count(*) FROM ${table} WHERE dataset_id = ?` : `SELECT count(*) FROM ${table} WHERE run_id = ${runId} AND ? > 0`;
    assert.equal(check.prepare(sql).pluck().get(doomed.dataset), 0, `no ${table} rows left`);
  }
  assert.equal(check.pragma('integrity_check', { simple: true }), 'ok');
  assert.deepEqual(check.pragma('foreign_key_check'), []);
  // ids are never reused, so no new dataset can meet a stale file of a deleted one
  check.prepare("INSERT INTO datasets (name, root, size, channels, fit) VALUES ('new', '/n', 8, 1, 'cover')").run();
  assert.ok((check.prepare("SELECT id FROM datasets WHERE name = 'new'").pluck().get() as number) > doomed.dataset);
  check.close();
});

test('a dataset with a run training is not deleted', async () => {
  const dir = tempDir();
  const dbPath = path.join(dir, 'lab.db');
  await iconFolder(path.join(dir, 'icons'), 2);
  const { dataset } = await importFolder({ dbPath, folder: path.join(dir, 'icons'), size: 8 });
  const db = openStore(dbPath);
  db.prepare("INSERT INTO runs (dataset_id, model, config, status, pid) VALUES (?, 'ae', '{}', 'running', ?)").run(dataset, process.pid);
  db.close();
  const api = createApi({ dbPath, host: { kind: 'cli' } });
  await assert.rejects(api.invoke('deleteDataset', { datasetId: dataset }), (e: Error & { code?: string }) => e.code === 'busy' && /training; stop it/.test(e.message));
  await api.close();
});

test('an open server hears datasets.changed when another process imports into its database', async () => {
  const dir = tempDir();
  const dbPath = path.join(dir, 'lab.db');
  await iconFolder(path.join(dir, 'icons'), 2);
  const api = createApi({ dbPath, host: { kind: 'server' } });
  const heard = new Promise<string>((resolve) => api.events.subscribe((event) => event.type === 'datasets.changed' && resolve(event.type)));
  // importFolder opens its own connection, as a CLI process does
  await importFolder({ dbPath, folder: path.join(dir, 'icons'), size: 8 });
  const keepAlive = setInterval(() => undefined, 500); // the poll timer is unref'd, as a server's should be
  assert.equal(await heard, 'datasets.changed');
  clearInterval(keepAlive);
  await api.close();
});

test('migration 2 keeps every row of a version-1 database, lets a folder have several datasets and records old imports as flattened onto black', () => {
  const file = path.join(tempDir(), 'v1.db');
  const old = new Database(file);
  old.exec(migrations[0].sql);
  old.pragma('user_version = 1');
  old.prepare("INSERT INTO datasets (name, root, size, channels, fit) VALUES ('old', '/f', 8, 1, 'cover')").run();
  old.prepare("INSERT INTO items (dataset_id, path, split, hash, width, height, cache_index) VALUES (1, 'a.png', 'train', 'h', 8, 8, 0)").run();
  old.prepare("INSERT INTO runs (dataset_id, model, config, status) VALUES (1, 'ae', '{}', 'completed')").run();
  old.close();

  const db = openStore(file);
  assert.deepEqual(db.prepare('SELECT name, background FROM datasets').all(), [{ name: 'old', background: '#000000' }]);
  assert.deepEqual([db.prepare('SELECT count(*) FROM items').pluck().get(), db.prepare('SELECT count(*) FROM runs').pluck().get()], [1, 1]);
  assert.deepEqual(db.prepare('SELECT format, upscaled, matte FROM items').get(), { format: null, upscaled: null, matte: null });
  db.prepare("INSERT INTO datasets (name, root, size, channels, fit) VALUES ('old-16px', '/f', 16, 1, 'cover')").run();
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  assert.deepEqual(db.pragma('foreign_key_check'), []);
  db.prepare("DELETE FROM datasets WHERE name = 'old'").run();
  assert.equal(db.prepare('SELECT count(*) FROM items').pluck().get(), 0, 'items still cascade from the rebuilt table');
  db.close();
});
