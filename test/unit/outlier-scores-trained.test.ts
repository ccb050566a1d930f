import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { PixelCache, pixelCachePath } from '../../src-main/dataset/pixel-cache.ts';
import { resolveConfig } from '../../src-main/engine/config.ts';
import { createRun } from '../../src-main/store/runs.ts';
import { trainRun } from '../../src-main/engine/train/train-run.ts';
import { rankOutliers } from '../../src-main/latent/outliers.ts';
import { cacheDirFor } from '../../src-main/paths.ts';
import { seededRandom } from '../../src-main/random.ts';
import { openStore } from '../../src-main/store/open.ts';
import { createSyntheticDataset } from '../helpers/synthetic-dataset.ts';
import { tempDir } from '../helpers/tmp.ts';

const SIZE = 16;

test('the recommended recipe (a conv-ae) trained on soft shapes puts a planted flat image and a planted noise image first by its default score', async () => {
  const ds = createSyntheticDataset(path.join(tempDir(), 'planted.db'), { size: SIZE, count: 240 });
  const db = openStore(ds.dbPath);
  const random = seededRandom(5);
  const planted = {
    'flat.png': new Uint8Array(SIZE * SIZE).fill(200),
    'noise.png': Uint8Array.from({ length: SIZE * SIZE }, () => Math.floor(random() * 256)),
  };
  const cache = PixelCache.open(pixelCachePath(cacheDirFor(ds.dbPath), ds.datasetId), { size: SIZE, channels: 1 });
  const insert = db.prepare("INSERT INTO items (dataset_id, path, split, hash, width, height, cache_index) VALUES (?, ?, 'train', ?, ?, ?, ?)");
  Object.entries(planted).forEach(([file, pixels], i) => {
    cache.write(ds.items.length + i, pixels);
    insert.run(ds.datasetId, file, file, SIZE, SIZE, ds.items.length + i);
  });
  cache.close();

  const config = resolveConfig({ backend: 'wasm', epochs: 3, seed: 1 }, { size: SIZE, channels: 1, count: ds.items.length + 2 });
  assert.equal(config.model, 'conv-ae', 'the recipe users get by default');
  const runId = createRun(db, ds.datasetId, config, process.pid);
  await trainRun(db, ds.dbPath, runId, { emit: () => {}, shouldStop: () => false });

  const first = async (score: 'combined' | 'complexity_corrected') => (await rankOutliers(db, runId, { score, top: 2 })).items.map((i) => i.path);
  assert.deepEqual((await first('combined')).sort(), ['flat.png', 'noise.png'], 'the default catches the simpler and the more complex foreign image');
  assert.ok((await first('complexity_corrected')).includes('flat.png'), 'the flat image is too unlikely for how simple it is');
  db.close();
});
