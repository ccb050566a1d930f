import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { ApiEvent } from '../../src-main/contract/contract.ts';
import { createApi, type Api } from '../../src-main/api/create-api.ts';
import { RunCache } from '../../src-main/api/run-cache.ts';
import { startServer } from '../../src-main/server/server.ts';
import { seedDatabase } from '../helpers/api-samples.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const seed = seedDatabase(dir);
let api: Api;
let runId = 0;
const events: ApiEvent[] = [];

before(async () => {
  api = createApi({ dbPath: seed.dbPath, host: { kind: 'cli' }, log: () => undefined });
  api.events.subscribe((event) => events.push(event));
  const ended = new Promise<ApiEvent>((resolve) =>
    api.events.subscribe((event) => event.type === 'run.status' && event.data.runId === runId && ['completed', 'failed'].includes(event.data.status) && resolve(event)),
  );
  ({ runId } = await api.invoke('startTraining', { datasetId: seed.datasetId, config: { model: 'pca', latent: 2 } }));
  const last = await ended;
  assert.equal(last.type === 'run.status' && last.data.status, 'completed', JSON.stringify(last.data));
});

after(() => api.close());

test('training through the API reports status events and stores the run', async () => {
  assert.ok(events.some((e) => e.type === 'run.status' && e.data.status === 'running'));
  const run = await api.invoke('getRun', { runId });
  assert.equal(run.status, 'completed');
  assert.equal(run.model, 'pca');
  assert.equal((await api.invoke('stopTraining', { runId: seed.runId })).stopping, false, 'a run not training here has nothing to stop');
  const models = await api.invoke('listModels', {});
  assert.ok(models.some((m) => m.name === 'vae' && m.variational));
});

test('projections, neighbours and codes of the trained run', async () => {
  const projection = await api.invoke('project', { runId, method: 'pca' });
  assert.deepEqual([...projection.itemIds].sort(), [...seed.itemIds].sort());
  assert.equal(projection.coords.length, 9);
  const raw = await api.invoke('project', { runId, method: 'raw', dims: [1, 0] });
  assert.equal(raw.coords[2], 0, 'a 2-D pick leaves z at 0');
  const { neighbours } = await api.invoke('neighbours', { runId, itemId: seed.itemIds[0], k: 2 });
  assert.equal(neighbours.length, 2);
  assert.ok(!neighbours.some((n) => n.itemId === seed.itemIds[0]));
  const { codes } = await api.invoke('codes', { runId, itemIds: [seed.itemIds[1]] });
  assert.equal(codes[0].length, 2);
});

test('decoding, interpolation, arithmetic and samples return PNG images at the dataset size', async () => {
  const isPng = (image: { width: number; dataUrl: string }) => {
    assert.equal(image.width, 4);
    assert.equal(Buffer.from(image.dataUrl.replace('data:image/png;base64,', ''), 'base64').subarray(1, 4).toString(), 'PNG');
  };
  isPng(await api.invoke('decode', { runId, code: [0, 0] }));
  await assert.rejects(api.invoke('decode', { runId, code: [0, 0, 0] }), { code: 'invalid_input', message: /2-D latent/ });
  isPng(await api.invoke('reconstruct', { runId, itemId: seed.itemIds[2] }));
  const walk = await api.invoke('interpolate', { runId, from: seed.itemIds[0], to: seed.itemIds[2], steps: 3, method: 'lerp' });
  assert.equal(walk.images.length, 3);
  walk.images.forEach(isPng);
  const { vectors } = await api.invoke('attributeVectors', { runId });
  assert.ok(vectors.some((v) => v.name === 'Smiling' && v.kind === 'attribute'));
  const shifted = await api.invoke('applyAttribute', { runId, itemId: seed.itemIds[0], attribute: 'Smiling', strength: 1.5 });
  isPng(shifted);
  isPng(await api.invoke('analogy', { runId, a: seed.itemIds[0], b: seed.itemIds[1], c: seed.itemIds[2] }));
  const samples = await api.invoke('samples', { runId, n: 2, seed: 3 });
  assert.equal(samples.images.length, 2);
  const grid = await api.invoke('manifold', { runId, steps: 2 });
  assert.equal(grid.images.length, 4);
});

test('outliers and CSV export', async () => {
  const outliers = await api.invoke('outliers', { runId, top: 3 });
  assert.equal(outliers.items.length, 3);
  assert.ok(outliers.items[0].score >= outliers.items[2].score);
  const file = path.join(dir, 'embeddings.csv');
  const asked: Array<string | undefined> = [];
  api.context.host.pickSaveFile = (defaultName) => (asked.push(defaultName), Promise.resolve(file));
  try {
    const written = await api.invoke('exportCsv', { runId });
    assert.deepEqual(asked, [`run-${runId}-embeddings.csv`], 'the host asks where, with a suggested name');
    assert.deepEqual(written, { path: file, rows: 3 });
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.length, 5);
    assert.match(lines[0], /^# latent-lab run \d+; x,y,z: pca projection \{"codes":/);
    assert.match(lines[1], /^id,path,label/);
    api.context.host.pickSaveFile = () => Promise.resolve(null);
    assert.equal(await api.invoke('exportCsv', { runId, kind: 'outliers' }), null, 'a cancelled dialog writes nothing');
  } finally {
    delete api.context.host.pickSaveFile;
  }
});

test('exportCsv takes no path from the caller, and without a Save dialog it writes nothing', async () => {
  const target = path.join(dir, 'chosen-by-the-page.csv');
  const withPath = await api.call('exportCsv', { runId, path: target });
  assert.equal('error' in withPath && withPath.error.code, 'invalid_input');
  const noDialog = await api.call('exportCsv', { runId });
  assert.equal('error' in noDialog && noDialog.error.code, 'unsupported');
  assert.match('error' in noDialog ? noDialog.error.message : '', /export\.csv.*--out/);
  assert.equal(fs.existsSync(target), false);
});

test("runScores gives every item's scores in the projection's item order", async () => {
  const scores = await api.invoke('runScores', { runId });
  const projection = await api.invoke('project', { runId, method: 'pca' });
  assert.deepEqual(scores.itemIds, projection.itemIds);
  const ranked = await api.invoke('outliers', { runId, top: 3 });
  assert.equal(scores.score, ranked.score);
  assert.deepEqual(Object.keys(scores.scores).sort(), [...ranked.available].sort(), 'every score the run has');
  for (const values of Object.values(scores.scores)) assert.equal(values.length, scores.itemIds.length);
  const reconError = scores.scores.recon_error!;
  for (const item of ranked.items) {
    const at = scores.itemIds.indexOf(item.itemId);
    assert.ok(Math.abs(reconError[at] - item.reconError) <= 1e-6 * Math.abs(item.reconError));
    assert.ok(Math.abs(scores.scores.combined![at] - item.score) <= 1e-6 * Math.abs(item.score) + 1e-9);
  }
  await assert.rejects(api.invoke('runScores', { runId: 9999 }), { code: 'not_found' });
});

test('closing the API stops a UMAP in progress', async () => {
  const other = createApi({ dbPath: seed.dbPath, host: { kind: 'cli' }, log: () => undefined });
  let closing: Promise<void> | undefined;
  other.events.subscribe((event) => {
    if (event.type === 'project.progress') closing ??= other.close();
  });
  const outcome = await other.call('project', { runId, method: 'umap', seed: 5 });
  await closing;
  assert.deepEqual(outcome, { error: { code: 'cancelled', message: 'The projection was stopped because Latent Lab is closing.' } });
});

test('the browser download of a CSV goes through the server, by run id', async () => {
  const server = await startServer({ api, rendererDir: path.join(dir, 'none') });
  try {
    const response = await fetch(`${server.origin}/api/runs/${runId}/export.csv?kind=embeddings`, { headers: { Authorization: `Bearer ${server.token}` } });
    assert.equal(response.status, 200);
    assert.match(String(response.headers.get('content-disposition')), /attachment; filename="run-\d+-embeddings-pca.csv"/);
    assert.equal((await response.text()).trim().split('\n').length, 5);
    const [a, b] = seed.itemIds;
    const picked = await fetch(`${server.origin}/api/runs/${runId}/export.csv`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ items: [b, a], projection: { method: 'raw', dims: [1, 0] } }),
    });
    assert.equal(picked.status, 200);
    const rows = (await picked.text()).trim().split('\n');
    assert.match(rows[0], /raw projection \{"codes":"[^"]+","dims":\[1,0,null\]\}/);
    assert.deepEqual(rows.slice(2).map((r) => Number(r.split(',')[0])), [a, b].sort((x, y) => x - y));
    const bad = await fetch(`${server.origin}/api/runs/${runId}/export.csv?projection=tsne`, { headers: { Authorization: `Bearer ${server.token}` } });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /projection\.method/);
    const missing = await fetch(`${server.origin}/api/runs/9999/export.csv`, { headers: { Authorization: `Bearer ${server.token}` } });
    assert.equal(missing.status, 404);
  } finally {
    await server.close();
  }
});

test('attribute vectors stay cached for slider moves until the codes or the dataset change', () => {
  const { db, runs } = api.context;
  const codes = runs.codesOf(runId);
  const first = runs.attributeVectorOf(codes, 'Smiling');
  assert.equal(runs.attributeVectorOf(codes, 'Smiling'), first);
  assert.notEqual(runs.attributeVectorOf({ ...codes }, 'Smiling'), first, 'new codes, new vector');
  db.prepare("UPDATE datasets SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+1 second') WHERE id = ?").run(seed.datasetId);
  const after = runs.attributeVectorOf(codes, 'Smiling');
  assert.notEqual(after, first, 'a re-import recomputes');
  assert.deepEqual(after.vector, first.vector);
});

test("the API keeps a run's codes and model until the run is saved again, and frees models it lets go", async () => {
  const { db, runs } = api.context;
  const codes = runs.codesOf(runId);
  assert.equal(runs.codesOf(runId), codes, 'codes are read once');
  db.prepare("UPDATE runs SET updated_at = 'later' WHERE id = ?").run(runId);
  const reread = runs.codesOf(runId);
  assert.notEqual(reread, codes, 'a touched run (re-embedded) is read afresh');
  assert.deepEqual(reread.codes, codes.codes);

  const model = await runs.modelOf(runId);
  const pixels = new Float32Array(model.size * model.size * model.channels);
  assert.equal(await runs.modelOf(runId), model, 'a model is built once');
  db.prepare('UPDATE weights SET epoch = epoch + 1 WHERE run_id = ?').run(runId);
  const newer = await runs.modelOf(runId);
  assert.notEqual(newer, model, 'a newer save loads afresh');
  await new Promise(setImmediate);
  assert.throws(() => model.encode(pixels, 1), /disposed/, 'and frees the stale model');

  const own = new RunCache(db);
  const mine = await own.modelOf(runId);
  assert.equal(mine.encode(pixels, 1).mean.length, mine.latentDim);
  own.dispose();
  await new Promise(setImmediate);
  assert.throws(() => mine.encode(pixels, 1), /disposed/, 'dispose() frees the models it holds');
});
