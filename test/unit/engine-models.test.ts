import assert from 'node:assert/strict';
import path from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { resolveConfig, type TrainOptions } from '../../src-main/engine/config.ts';
import type { EpochMetrics, RunSummary } from '../../src-main/contract/contract.ts';
import { loadRunModel, type RunModel } from '../../src-main/engine/run-model.ts';
import { createRun } from '../../src-main/store/runs.ts';
import { datasetLabels } from '../../src-main/store/items.ts';
import { trainRun } from '../../src-main/engine/train/train-run.ts';
import { openStore, type Db } from '../../src-main/store/open.ts';
import { createSyntheticDataset, SHAPES, type SyntheticDataset, type SyntheticItem } from '../helpers/synthetic-dataset.ts';
import { tempDir } from '../helpers/tmp.ts';

// 300 generated 12x12 images (blobs and bars at known positions); every model trains in about a second.
let ds: SyntheticDataset;
let db: Db;
let train: SyntheticItem[];
let val: SyntheticItem[];
const PIXELS = 144;

const dir = tempDir();

before(() => {
  ds = createSyntheticDataset(path.join(dir, 'models.db'), { size: 12, count: 300 });
  db = openStore(ds.dbPath);
  train = ds.items.filter((i) => i.split === 'train');
  val = ds.items.filter((i) => i.split === 'val');
});

interface Trained {
  runId: number;
  summary: RunSummary;
  epochs: EpochMetrics[];
  tensorsAtEpoch: number[];
  model: RunModel;
}

async function trainModel(options: TrainOptions): Promise<Trained> {
  const labels = options.model === 'cvae' ? { labels: datasetLabels(db, ds.datasetId) } : {};
  // lr is the schedule's peak: warm-up and cosine decay average about half of it.
  const config = resolveConfig({ batch: 32, lr: 0.006, epochs: 20, ...options, ...labels }, { size: 12, channels: 1 });
  const runId = createRun(db, ds.datasetId, config, process.pid);
  const epochs: EpochMetrics[] = [];
  const tensorsAtEpoch: number[] = [];
  const summary = await trainRun(db, ds.dbPath, runId, {
    emit: (event) => {
      if (event.type !== 'epoch') return;
      epochs.push(event);
      tensorsAtEpoch.push(tf.memory().numTensors);
    },
    shouldStop: () => false,
  });
  return { runId, summary, epochs, tensorsAtEpoch, model: await loadRunModel(db, runId) };
}

function stack(items: SyntheticItem[], transform: (p: Float32Array, i: number) => Float32Array = (p) => p): Float32Array {
  const out = new Float32Array(items.length * PIXELS);
  items.forEach((item, i) => out.set(transform(item.pixels, i), i * PIXELS));
  return out;
}

const classOf = (items: SyntheticItem[]) => Int32Array.from(items, (i) => SHAPES.indexOf(i.label));

function mse(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return sum / a.length;
}

/** Per-pixel MSE of reconstructing `targets` from `inputs` through the model's (mean) code. */
function reconError(m: RunModel, inputs: Float32Array, targets: Float32Array, items: SyntheticItem[]): number {
  const labels = m.conditional ? classOf(items) : undefined;
  return mse(m.decode(m.encode(inputs, items.length, labels).mean, items.length, labels), targets);
}

function meanImageError(): number {
  const mean = new Float32Array(PIXELS);
  for (const item of train) item.pixels.forEach((v, j) => (mean[j] += v / train.length));
  return mse(stack(val), stack(val, () => mean));
}

function trainScore(runId: number): number {
  return (
    db
      .prepare("SELECT avg(s.recon_error) AS e FROM scores s JOIN items i ON i.id = s.item_id WHERE s.run_id = ? AND i.split = 'train'")
      .get(runId) as { e: number }
  ).e;
}

/** Hoyer sparsity in [0, 1] (1: one active unit), averaged over codes; scale-invariant. */
function hoyer(codes: Float32Array, dim: number): number {
  let total = 0;
  const n = codes.length / dim;
  for (let i = 0; i < n; i++) {
    let l1 = 0;
    let l2 = 0;
    for (let j = 0; j < dim; j++) {
      l1 += Math.abs(codes[i * dim + j]);
      l2 += codes[i * dim + j] ** 2;
    }
    total += (Math.sqrt(dim) - l1 / Math.sqrt(l2 + 1e-12)) / (Math.sqrt(dim) - 1);
  }
  return total / n;
}

function seededNoise(seed: number, n: number, scale = 1): Float32Array {
  return tf.tidy(() => tf.randomNormal([n], 0, scale, 'float32', seed).dataSync() as Float32Array);
}

for (const model of ['ae', 'deep-ae', 'conv-ae', 'vae', 'conv-vae', 'cvae'] as const) {
  test(`${model}: the loss falls, reconstructions beat the mean image, embeddings and scores are stored`, async () => {
    const t = await trainModel({ model });
    assert.equal(t.summary.status, 'completed');
    assert.equal(t.epochs.length, 20);
    assert.ok(t.epochs[19].trainLoss < 0.8 * t.epochs[0].trainLoss, `loss ${t.epochs[0].trainLoss} -> ${t.epochs[19].trainLoss}`);
    const err = reconError(t.model, stack(val), stack(val), val);
    const baseline = meanImageError();
    assert.ok(err < 0.5 * baseline, `${model} val mse ${err} vs mean image ${baseline}`);
    assert.ok(Math.abs(t.summary.last!.valMse! - err) < 1e-4, 'stored val mse matches a reload of the stored weights');
    const counts = db.prepare('SELECT count(*) AS n, count(e.logvar) AS lv, count(s.neg_elbo) AS elbo FROM embeddings e JOIN scores s USING (run_id, item_id) WHERE run_id = ?').get(t.runId) as Record<string, number>;
    assert.equal(counts.n, ds.items.length);
    assert.equal(counts.lv, t.model.variational ? ds.items.length : 0);
    assert.equal(counts.elbo, t.model.variational ? ds.items.length : 0);
    t.model.dispose();
  });
}

test('pca reconstructs far better than the mean image; a linear ae with mse gets within 5% of it', async () => {
  const pca = await trainModel({ model: 'pca', latent: 8 });
  assert.ok(pca.summary.last!.valMse! < 0.1 * meanImageError());
  const linear = await trainModel({ model: 'ae', latent: 8, activation: 'linear', loss: 'mse', epochs: 100, batch: 16, lr: 0.02 });
  const [p, a] = [trainScore(pca.runId), trainScore(linear.runId)];
  assert.ok(a < 1.05 * p, `linear ae ${a} vs pca ${p}`);
  pca.model.dispose();
  linear.model.dispose();
});

test('vae: KL is positive and samples from the prior differ from each other', async () => {
  const t = await trainModel({ model: 'vae' });
  assert.ok(t.summary.last!.valKl! > 0.5, `kl ${t.summary.last!.valKl}`);
  const n = 16;
  const images = t.model.decode(seededNoise(3, n * t.model.latentDim), n);
  let spread = 0;
  for (let j = 0; j < PIXELS; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += images[i * PIXELS + j] / n;
    for (let i = 0; i < n; i++) spread += (images[i * PIXELS + j] - mean) ** 2 / (n * PIXELS);
  }
  assert.ok(Math.sqrt(spread) > 0.05, `prior samples' pixel std ${Math.sqrt(spread)}`);
  t.model.dispose();
});

test('denoising ae reconstructs corrupted inputs better than a plain ae of the same size', async () => {
  const plain = await trainModel({ model: 'deep-ae', epochs: 30 });
  const denoising = await trainModel({ model: 'deep-ae', epochs: 30, denoise: 'gaussian:0.3' });
  const noise = seededNoise(11, val.length * PIXELS, 0.3);
  const corrupted = stack(val, (p, i) => p.map((v, j) => Math.min(1, Math.max(0, v + noise[i * PIXELS + j]))));
  const [a, b] = [reconError(plain.model, corrupted, stack(val), val), reconError(denoising.model, corrupted, stack(val), val)];
  assert.ok(b < 0.9 * a, `denoising ${b} vs plain ${a}`);
  plain.model.dispose();
  denoising.model.dispose();
});

test('sparse ae codes are sparser than plain ae codes', async () => {
  const plain = await trainModel({ model: 'ae', latent: 16 });
  const sparse = await trainModel({ model: 'ae', latent: 16, sparse: 0.05 });
  const input = stack(val);
  const [a, b] = [hoyer(plain.model.encode(input, val.length).mean, 16), hoyer(sparse.model.encode(input, val.length).mean, 16)];
  assert.ok(b > a + 0.1, `hoyer sparsity plain ${a} vs sparse ${b}`);
  plain.model.dispose();
  sparse.model.dispose();
});

test('contractive ae trains and its codes move less under small input noise', async () => {
  const plain = await trainModel({ model: 'ae', latent: 16 });
  const contractive = await trainModel({ model: 'ae', latent: 16, contractive: 0.001 });
  const noise = seededNoise(5, val.length * PIXELS, 0.02);
  const input = stack(val);
  const nudged = input.map((v, j) => v + noise[j]);
  const sensitivity = (m: RunModel) => {
    const a = m.encode(input, val.length).mean;
    const b = m.encode(nudged, val.length).mean;
    return mse(a, b) / mse(a, new Float32Array(a.length));
  };
  const [a, b] = [sensitivity(plain.model), sensitivity(contractive.model)];
  assert.ok(b < 0.8 * a, `code sensitivity contractive ${b} vs plain ${a}`);
  assert.ok(contractive.summary.last!.valMse! < 0.5 * meanImageError(), `contractive val mse ${contractive.summary.last!.valMse}`);
  plain.model.dispose();
  contractive.model.dispose();
});

// A 2-D code holds position and brightness, leaving the class to the label input.
test('cvae generates the class it is asked for (nearest-neighbour classifier check)', async () => {
  const t = await trainModel({ model: 'cvae', latent: 2, epochs: 40 });
  assert.deepEqual(t.model.labels, ['blob', 'hbar', 'vbar']);
  const classify = (image: Float32Array) => {
    let best = train[0];
    let bestDist = Infinity;
    for (const item of train) {
      const d = mse(image, item.pixels);
      if (d < bestDist) [best, bestDist] = [item, d];
    }
    return t.model.labels.indexOf(best.label);
  };
  const asked = Int32Array.from({ length: 60 }, (_, i) => i % 3);
  const images = t.model.decode(seededNoise(9, asked.length * t.model.latentDim), asked.length, asked);
  const right = Array.from(asked).filter((c, i) => classify(images.subarray(i * PIXELS, (i + 1) * PIXELS)) === c).length;
  assert.ok(right / asked.length >= 0.8, `${right}/${asked.length} generated images classified as asked`);
  t.model.dispose();
});

test('deep-ae with layer-wise pretraining trains, and tensors do not leak across epochs', async () => {
  const t = await trainModel({ model: 'deep-ae', pretrain: 'layerwise', epochs: 5 });
  assert.equal(t.summary.status, 'completed');
  assert.ok(t.summary.last!.valMse! < meanImageError(), `val mse ${t.summary.last!.valMse} vs mean image ${meanImageError()}`);
  const [, second, ...rest] = t.tensorsAtEpoch;
  for (const n of rest) assert.equal(n, second, `tensor count per epoch ${t.tensorsAtEpoch.join(', ')}`);
  t.model.dispose();
});

test('the same seed gives the same result; codes from the run model match the stored embeddings', async () => {
  const a = await trainModel({ model: 'vae', epochs: 2, seed: 4 });
  const b = await trainModel({ model: 'vae', epochs: 2, seed: 4 });
  assert.deepEqual(a.epochs.map((e) => e.trainLoss), b.epochs.map((e) => e.trainLoss));
  const row = db.prepare('SELECT e.code, e.logvar FROM embeddings e WHERE e.run_id = ? AND e.item_id = ?').get(a.runId, val[0].id) as { code: Buffer; logvar: Buffer };
  const stored = new Float32Array(row.code.buffer.slice(row.code.byteOffset, row.code.byteOffset + row.code.byteLength));
  const { mean, logvar } = a.model.encode(val[0].pixels, 1);
  assert.equal(stored.length, a.model.latentDim);
  stored.forEach((v, i) => assert.ok(Math.abs(v - mean[i]) < 1e-5));
  assert.equal(logvar?.length, a.model.latentDim);
  a.model.dispose();
  b.model.dispose();
});
