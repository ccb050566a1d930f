import path from 'node:path';
import type { ApiInput } from '../../src-main/contract/contract.ts';
import type { MethodName } from '../../src-main/contract/method-names.ts';
import { PixelCache, pixelCachePath } from '../../src-main/dataset/pixel-cache.ts';
import { cacheDirFor } from '../../src-main/paths.ts';
import { openStore } from '../../src-main/store/open.ts';

/** A tiny database: one 4x4 grayscale dataset of three items (two labels) and one stored run. */
export function seedDatabase(dir: string, file = 'lab.db'): { dbPath: string; datasetId: number; itemIds: number[]; runId: number } {
  const dbPath = path.join(dir, file);
  const db = openStore(dbPath);
  const datasetId = Number(
    db.prepare("INSERT INTO datasets (name, root, size, channels, fit, attributes) VALUES ('tiny', ?, 4, 1, 'cover', '[\"Smiling\"]')").run(path.join(dir, 'images'))
      .lastInsertRowid,
  );
  const cache = PixelCache.open(pixelCachePath(cacheDirFor(dbPath), datasetId), { size: 4, channels: 1 });
  const itemIds: number[] = [];
  ['cats/a.png', 'cats/b.png', 'dogs/c.png'].forEach((itemPath, index) => {
    cache.write(index, new Uint8Array(16).fill(40 * (index + 1)));
    const info = db
      .prepare("INSERT INTO items (dataset_id, path, label, attributes, split, hash, width, height, cache_index) VALUES (?, ?, ?, ?, 'train', ?, 4, 4, ?)")
      .run(datasetId, itemPath, itemPath.split('/')[0], JSON.stringify({ Smiling: index % 2 }), `h${index}`, index);
    itemIds.push(Number(info.lastInsertRowid));
  });
  cache.close();
  const runId = Number(
    db.prepare("INSERT INTO runs (dataset_id, name, model, config, status, epochs_done) VALUES (?, 'first', 'ae', '{\"model\":\"ae\",\"epochs\":2}', 'completed', 2)").run(datasetId)
      .lastInsertRowid,
  );
  db.prepare('INSERT INTO metrics (run_id, epoch, train_loss, val_loss) VALUES (?, 1, 0.5, 0.6), (?, 2, 0.25, 0.3)').run(runId, runId);
  db.close();
  return { dbPath, datasetId, itemIds, runId };
}

/**
 * A valid input for every method. Typed as a full table, so adding a method
 * to the contract without a sample here is a compile error.
 */
export function sampleInputs(seed: { datasetId: number; itemIds: number[]; runId: number; dir: string }): { [M in MethodName]: ApiInput<M> } {
  const [a, b, c] = seed.itemIds;
  const runId = seed.runId;
  return {
    appInfo: {},
    pickFolder: {},
    listDatasets: {},
    getDataset: { datasetId: seed.datasetId },
    listItems: { datasetId: seed.datasetId, limit: 2 },
    getAtlas: { datasetId: seed.datasetId },
    lookupItems: { runId, refs: ['cats/a.png', String(b)] },
    startImport: { folder: path.join(seed.dir, 'no-such-folder') },
    cancelImport: { jobId: 'no-such-job' },
    startDemo: { count: 3 },
    deleteDataset: { datasetId: 999 },
    listModels: {},
    listRuns: {},
    getRun: { runId },
    startTraining: { datasetId: seed.datasetId, config: { model: 'ae', epochs: 1, latent: 2 } },
    stopTraining: { runId },
    resumeTraining: { runId },
    renameRun: { runId, name: 'renamed' },
    deleteRun: { runId: 999 },
    project: { runId, method: 'pca' },
    neighbours: { runId, itemId: a, k: 2 },
    codes: { runId, itemIds: [a, b] },
    decode: { runId, code: [0, 0] },
    reconstruct: { runId, itemId: a },
    interpolate: { runId, from: a, to: b, steps: 3 },
    attributeVectors: { runId },
    applyAttribute: { runId, itemId: a, attribute: 'Smiling', strength: 1 },
    analogy: { runId, a, b, c },
    samples: { runId, n: 2 },
    manifold: { runId, steps: 2 },
    outliers: { runId, top: 2 },
    runScores: { runId },
    neighbourAgreement: { runId, otherRunId: runId, k: 1 },
    exportCsv: { runId },
    listSets: { datasetId: seed.datasetId },
    saveSet: { datasetId: seed.datasetId, name: 'picked', itemIds: [a, b] },
    deleteSet: { setId: 999 },
    duplicates: { datasetId: seed.datasetId },
    quality: { datasetId: seed.datasetId },
  };
}
