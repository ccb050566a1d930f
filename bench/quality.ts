/**
 * Reconstruction quality and code usefulness on Fashion-MNIST (Debian's dataset-fashion-mnist):
 * every model at the same latent size, trained by the engine's own trainer on the 60,000
 * training images, scored on the 10,000 test images (the validation split here):
 * per-pixel validation MSE, and 5-nearest-neighbour label accuracy in code space
 * (test codes classified by their 5 nearest training codes). Printed side by side with
 * the references measured on this machine.
 *
 *   node --import tsx bench/quality.ts [--epochs 5] [--limit 60000] [--test-limit 10000]
 *                                      [--models pca,ae,conv-ae,deep-ae,vae] [--latent 32] [--filters 16,32]
 *                                      [--loss bce|mse] [--lr 0.001] [--backend auto]
 *
 * Conv models use --filters 16,32 by default: the shape of the PyTorch reference.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { fashionMnistDir, readIdxImages, readIdxLabels } from '../src-main/dataset/idx.ts';
import { PixelCache, pixelCachePath } from '../src-main/dataset/pixel-cache.ts';
import { cacheDirFor } from '../src-main/paths.ts';
import { openStore, type Db } from '../src-main/store/open.ts';
import { resolveConfig, type TrainOptions } from '../src-main/engine/config.ts';
import { createRun } from '../src-main/engine/runs.ts';
import { trainRun } from '../src-main/engine/train/train-run.ts';

const REFERENCE = [
  { model: 'PCA-32 (reference)', mse: 0.0151, knn: 0.852 },
  { model: 'PyTorch conv AE 32-D, 5 epochs (reference)', mse: 0.0092, knn: 0.867 },
];

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '5' },
    limit: { type: 'string', default: '60000' },
    'test-limit': { type: 'string', default: '10000' },
    models: { type: 'string', default: 'pca,ae,conv-ae,deep-ae,vae' },
    filters: { type: 'string', default: '16,32' },
    loss: { type: 'string' },
    lr: { type: 'string' },
    latent: { type: 'string', default: '32' },
    backend: { type: 'string', default: 'auto' },
  },
});
const limit = Number(values.limit);
const testLimit = Number(values['test-limit']);

/** A database holding Fashion-MNIST as an imported dataset would: train split = training set, val = test set. */
function importFashionMnist(dbPath: string): { db: Db; datasetId: number; trainLabels: Uint8Array; testLabels: Uint8Array } {
  const file = (name: string) => path.join(fashionMnistDir, name);
  const train = readIdxImages(file('train-images-idx3-ubyte.gz'));
  const test = readIdxImages(file('t10k-images-idx3-ubyte.gz'));
  const trainLabels = readIdxLabels(file('train-labels-idx1-ubyte.gz')).slice(0, limit);
  const testLabels = readIdxLabels(file('t10k-labels-idx1-ubyte.gz')).slice(0, testLimit);
  const db = openStore(dbPath);
  const datasetId = Number(
    db.prepare("INSERT INTO datasets (name, root, size, channels, fit) VALUES ('fashion-mnist', ?, 28, 1, 'cover')").run(fashionMnistDir).lastInsertRowid,
  );
  const cache = PixelCache.open(pixelCachePath(cacheDirFor(dbPath), datasetId), { size: 28, channels: 1 });
  const insert = db.prepare(
    "INSERT INTO items (dataset_id, path, label, split, hash, width, height, cache_index) VALUES (?, ?, ?, ?, '-', 28, 28, ?)",
  );
  db.transaction(() => {
    let index = 0;
    for (const [split, images, labels] of [['train', train, trainLabels], ['val', test, testLabels]] as const) {
      for (let i = 0; i < labels.length; i++, index++) {
        cache.write(index, images.data.subarray(i * 784, (i + 1) * 784));
        insert.run(datasetId, `${split}/${i}`, String(labels[i]), split, index);
      }
    }
  })();
  cache.close();
  return { db, datasetId, trainLabels, testLabels };
}

function codes(db: Db, runId: number, split: 'train' | 'val', dim: number): Float32Array {
  const rows = db
    .prepare('SELECT e.code FROM embeddings e JOIN items i ON i.id = e.item_id WHERE e.run_id = ? AND i.split = ? ORDER BY i.id')
    .all(runId, split) as { code: Buffer }[];
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => out.set(new Float32Array(r.code.buffer.slice(r.code.byteOffset, r.code.byteOffset + r.code.byteLength)), i * dim));
  return out;
}

/** Accuracy of majority vote among the k nearest training codes (Euclidean), in chunks of test codes. */
function knnAccuracy(train: Float32Array, trainLabels: Uint8Array, test: Float32Array, testLabels: Uint8Array, dim: number, k = 5): number {
  const trainT = tf.tensor2d(train, [trainLabels.length, dim]);
  const trainNorms = trainT.square().sum(1);
  let right = 0;
  const chunk = 500;
  for (let start = 0; start < testLabels.length; start += chunk) {
    const n = Math.min(chunk, testLabels.length - start);
    const indices = tf.tidy(() => {
      const q = tf.tensor2d(test.subarray(start * dim, (start + n) * dim), [n, dim]);
      // -|q - t|^2 up to a per-row constant: 2 q.t - |t|^2
      const score = q.matMul(trainT, false, true).mul(2).sub(trainNorms);
      return tf.topk(score, k).indices;
    });
    const nearest = indices.dataSync();
    indices.dispose();
    for (let i = 0; i < n; i++) {
      const votes = new Array<number>(10).fill(0);
      for (let j = 0; j < k; j++) votes[trainLabels[nearest[i * k + j]]]++;
      if (votes.indexOf(Math.max(...votes)) === testLabels[start + i]) right++;
    }
  }
  trainT.dispose();
  trainNorms.dispose();
  return right / testLabels.length;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-lab-quality-'));
try {
  const { db, datasetId, trainLabels, testLabels } = importFashionMnist(path.join(dir, 'bench.db'));
  const latent = Number(values.latent);
  console.log(`Fashion-MNIST: ${trainLabels.length} train / ${testLabels.length} test images, latent ${latent}, ${values.epochs} epoch(s) for the autoencoders`);
  const rows: { model: string; backend: string; epochs: number | string; seconds: number; mse: number; knn: number }[] = [];
  for (const model of values.models.split(',')) {
    const options: TrainOptions = {
      model,
      latent,
      backend: values.backend,
      ...(model === 'pca' ? {} : { epochs: values.epochs, loss: values.loss, lr: values.lr }),
      ...(model.startsWith('conv-') ? { filters: values.filters } : {}),
    };
    const config = resolveConfig(options, { size: 28, channels: 1 });
    const runId = createRun(db, datasetId, config, process.pid);
    const started = performance.now();
    const summary = await trainRun(db, path.join(dir, 'bench.db'), runId, {
      emit: (e) => {
        if (e.type === 'epoch') process.stderr.write(`  ${model} epoch ${e.epoch}/${e.epochs}: train ${e.trainLoss.toPrecision(4)} val mse ${e.valMse?.toPrecision(4)} (${Math.round(e.samplesPerSecond)} img/s)\n`);
      },
      shouldStop: () => false,
    });
    const seconds = (performance.now() - started) / 1000;
    const knn = knnAccuracy(codes(db, runId, 'train', latent), trainLabels, codes(db, runId, 'val', latent), testLabels, latent);
    process.stderr.write(`  ${model}: val mse ${summary.valMse?.toFixed(4)}, 5-NN ${knn.toFixed(3)}, ${seconds.toFixed(0)} s\n`);
    rows.push({ model: `${model}-${latent}`, backend: summary.backend ?? '?', epochs: model === 'pca' ? 'closed form' : summary.epochs, seconds, mse: summary.valMse!, knn });
  }
  db.close();

  const pca = rows.find((r) => r.model.startsWith('pca-'));
  console.log('\nmodel                                        backend  epochs        seconds   val MSE   5-NN acc   MSE / PCA');
  for (const r of rows) {
    console.log(
      `${r.model.padEnd(44)} ${r.backend.padEnd(8)} ${String(r.epochs).padEnd(12)} ${r.seconds.toFixed(1).padStart(8)}   ${r.mse.toFixed(4)}    ${r.knn.toFixed(3)}      ${pca ? (r.mse / pca.mse).toFixed(2) : '-'}`,
    );
  }
  for (const r of REFERENCE) console.log(`${r.model.padEnd(44)} ${'-'.padEnd(8)} ${'-'.padEnd(12)} ${'-'.padStart(8)}   ${r.mse.toFixed(4)}    ${r.knn.toFixed(3)}      ${(r.mse / REFERENCE[0].mse).toFixed(2)}`);
  console.log('target: conv-ae MSE at or below half of PCA\'s (MSE / PCA <= 0.50)');
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
