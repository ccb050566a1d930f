import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { identicalCodes } from '../../src-main/latent/identical-codes.ts';
import { getProjection } from '../../src-main/latent/projections.ts';
import { gaussian, seededRandom } from '../../src-main/random.ts';
import { openStore } from '../../src-main/store/open.ts';
import { tempDir } from '../helpers/tmp.ts';

test('identical codes are grouped bit for bit', () => {
  const codes = Float32Array.from([1, 2, 3, 4, 1, 2, 5, 6, 3, 4]);
  const found = identicalCodes(codes, 5, 2);
  assert.deepEqual([...found.distinct], [0, 1, 3]);
  assert.deepEqual([...found.groupOf], [0, 1, 0, 2, 1]);
  assert.deepEqual([found.sharing, found.largestGroup], [4, 2]);
});

test('UMAP lays out each distinct code once: copies sit on one spot and the projection counts them', async () => {
  const db = openStore(path.join(tempDir(), 'dup.db'));
  const datasetId = Number(db.prepare("INSERT INTO datasets (name, root, size, channels, fit) VALUES ('d', '/d', 8, 1, 'cover')").run().lastInsertRowid);
  const runId = Number(db.prepare("INSERT INTO runs (dataset_id, model, config, status) VALUES (?, 'ae', '{}', 'completed')").run(datasetId).lastInsertRowid);
  const normal = gaussian(seededRandom(5));
  const draw = () => Float32Array.from({ length: 8 }, normal);
  // 40 unique codes and 4 codes shared by 40 items each: the degenerate input of a folder flattened to black squares
  const shared = Array.from({ length: 4 }, draw);
  const codes = [...Array.from({ length: 40 }, draw), ...Array.from({ length: 160 }, (_, i) => shared[i % 4])];
  const item = db.prepare("INSERT INTO items (dataset_id, path, split, hash, width, height, cache_index) VALUES (?, ?, 'train', 'h', 8, 8, ?)");
  const embed = db.prepare('INSERT INTO embeddings (run_id, item_id, code) VALUES (?, ?, ?)');
  db.transaction(() =>
    codes.forEach((code, i) => embed.run(runId, Number(item.run(datasetId, `i${i}.png`, i).lastInsertRowid), Buffer.from(code.buffer))),
  )();

  const umap = await getProjection(db, runId, { method: 'umap', params: { nEpochs: 30 } });
  assert.deepEqual(umap.sharedCodes, { items: 160, largestGroup: 40 });
  const spot = (i: number) => [...umap.coords.subarray(i * 3, i * 3 + 3)].join(',');
  const spots = new Set(codes.map((_, i) => spot(i)));
  assert.equal(spots.size, 44, 'one spot per distinct code');
  for (let i = 40; i < 200; i++) assert.equal(spot(i), spot(40 + ((i - 40) % 4)), `item ${i} sits on its code's spot`);
  assert.deepEqual((await getProjection(db, runId, { method: 'pca' })).sharedCodes, umap.sharedCodes, 'every method reports the count');
  assert.deepEqual((await getProjection(db, runId, { method: 'umap', params: { nEpochs: 30 } })).sharedCodes, umap.sharedCodes, 'a stored layout too');
  db.close();
});
