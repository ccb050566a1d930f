import assert from 'node:assert/strict';
import path from 'node:path';
import { before, test } from 'node:test';
import { resolveConfig } from '../../src-main/engine/config.ts';
import type { EpochMetrics, RunSummary } from '../../src-main/contract/contract.ts';
import { loadRunModel } from '../../src-main/engine/run-model.ts';
import { createRun } from '../../src-main/store/runs.ts';
import { klWeight, learningRate } from '../../src-main/engine/train/schedule.ts';
import { trainingItemCount } from '../../src-main/store/items.ts';
import { trainRun } from '../../src-main/engine/train/train-run.ts';
import { openStore, type Db } from '../../src-main/store/open.ts';
import { createSyntheticDataset, type SyntheticDataset } from '../helpers/synthetic-dataset.ts';
import { tempDir } from '../helpers/tmp.ts';

test('with no model, the recipe is chosen from the images and recorded with its reason; every flag overrides it', () => {
  const faces = resolveConfig({}, { size: 64, channels: 3, count: 1800 });
  assert.equal(faces.model, 'conv-ae');
  assert.deepEqual(faces.filters, [16, 32, 64]);
  assert.equal(faces.latent, 16);
  assert.match(faces.recipe!, /conv-ae .*64x64x3 .*latent 16 for 1,800 training images/);
  assert.equal(faces.earlyStop, true);
  assert.equal(faces.maxMinutes, 8);
  assert.deepEqual([faces.batch, faces.lr], [16, 0.004], 'small data: small batches, many steps');
  assert.equal(faces.epochs, Math.ceil(20_000 / Math.ceil(1800 / 16)), 'enough epochs for 20,000 steps');
  const fashion = resolveConfig({}, { size: 28, channels: 1, count: 60_000 });
  assert.deepEqual([fashion.model, fashion.filters, fashion.latent, fashion.batch], ['conv-ae', [16, 32], 32, 32]);
  assert.equal(resolveConfig({}, { size: 8, channels: 1, count: 500 }).model, 'deep-ae', 'too small to halve twice');
  const chosen = resolveConfig({ model: 'vae', latent: 4, epochs: 3 }, { size: 64, channels: 3, count: 1800 });
  assert.deepEqual([chosen.model, chosen.latent, chosen.epochs, chosen.earlyStop, chosen.maxMinutes, chosen.recipe], ['vae', 4, 3, false, null, null]);
  assert.equal(chosen.loss, 'gaussian', 'colour VAEs get the calibrated Gaussian decoder');
  assert.equal(resolveConfig({ maxMinutes: '2.5' }, { size: 28, channels: 1, count: 100 }).maxMinutes, 2.5);
  assert.throws(() => resolveConfig({ maxMinutes: 0 }, { size: 28, channels: 1 }), /--max-minutes: expected minutes above 0/);
});

test('the learning rate warms up then decays by a cosine; the KL weight rises to beta', () => {
  const total = 1000;
  assert.ok(learningRate(1, 0, total) < 0.05);
  assert.equal(learningRate(1, 49, total), 1);
  assert.ok(learningRate(1, 500, total) < 0.6 && learningRate(1, 500, total) > 0.4);
  assert.ok(Math.abs(learningRate(1, total, total) - 0.02) < 1e-9);
  assert.equal(klWeight(4, 0.2, 0, total), 0);
  assert.equal(klWeight(4, 0.2, 100, total), 2);
  assert.equal(klWeight(4, 0.2, 900, total), 4);
  assert.equal(klWeight(4, 0, 0, total), 4);
});

// 16x16 images: large enough for the recipe's convolutions.
let ds: SyntheticDataset;
let db: Db;
const dir = tempDir();

before(() => {
  ds = createSyntheticDataset(path.join(dir, 'recipe.db'), { size: 16, count: 240 });
  db = openStore(ds.dbPath);
});

async function train(options: Record<string, unknown>): Promise<{ summary: RunSummary; epochs: EpochMetrics[]; logs: string[] }> {
  const config = resolveConfig({ backend: 'wasm', ...options }, { size: 16, channels: 1, count: trainingItemCount(db, ds.datasetId) });
  const runId = createRun(db, ds.datasetId, config, process.pid);
  const epochs: EpochMetrics[] = [];
  const logs: string[] = [];
  const summary = await trainRun(db, ds.dbPath, runId, {
    emit: (e) => (e.type === 'epoch' ? epochs.push(e) : e.type === 'log' ? logs.push(e.message) : undefined),
    shouldStop: () => false,
  });
  return { summary, epochs, logs };
}

function meanImageMse(): number {
  const trainItems = ds.items.filter((i) => i.split === 'train');
  const val = ds.items.filter((i) => i.split === 'val');
  const mean = new Float32Array(256);
  for (const item of trainItems) item.pixels.forEach((v, j) => (mean[j] += v / trainItems.length));
  let sum = 0;
  for (const item of val) item.pixels.forEach((v, j) => (sum += (v - mean[j]) ** 2));
  return sum / (val.length * 256);
}

test('the recommended network beats the mean image after a few epochs', async () => {
  const recipe = await train({ latent: 8, epochs: 8 });
  assert.equal(recipe.summary.model, 'conv-ae');
  assert.match(String(recipe.summary.config.recipe), /conv-ae/);
  assert.ok(recipe.summary.last!.valMse! < 0.5 * meanImageMse(), `recipe val mse ${recipe.summary.last!.valMse} vs mean image ${meanImageMse()}`);
  assert.equal(recipe.summary.outcome?.stopReason, 'planned');
});

test('early stopping keeps the weights of the best validation epoch and says why it stopped', async () => {
  // A rate far too high for the data: the validation loss stops improving within a few epochs.
  const { summary, epochs } = await train({ model: 'ae', latent: 8, lr: 0.5, batch: 8 });
  const outcome = summary.outcome!;
  const best = epochs.reduce((a, b) => (b.valLoss! < a.valLoss! ? b : a));
  assert.equal(outcome.stopReason, 'early-stop');
  assert.equal(outcome.bestEpoch, best.epoch);
  assert.ok(best.epoch < summary.epochsDone, `the best epoch ${best.epoch} is before the last ${summary.epochsDone}`);
  assert.match(outcome.message, new RegExp(`not improved since epoch ${best.epoch}`));
  assert.ok(Math.abs(summary.last!.valMse! - best.valMse!) < 1e-9, 'the summary reports the kept epoch');
  // The stored weights are the best epoch's: reloading them reproduces its validation MSE.
  const model = await loadRunModel(db, summary.id);
  const val = ds.items.filter((i) => i.split === 'val');
  const x = new Float32Array(val.length * 256);
  val.forEach((item, i) => x.set(item.pixels, i * 256));
  const xHat = model.decode(model.encode(x, val.length).mean, val.length);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += (x[i] - Math.min(1, Math.max(0, xHat[i]))) ** 2;
  assert.ok(Math.abs(sum / x.length - best.valMse!) < 1e-5, `reloaded ${sum / x.length} vs best epoch ${best.valMse}`);
  model.dispose();
});

test('a VAE reports KL per latent dimension and its active dimensions', async () => {
  const { summary } = await train({ model: 'vae', latent: 6, epochs: 6, batch: 16 });
  const outcome = summary.outcome!;
  assert.equal(outcome.klPerDim?.length, 6);
  assert.ok(outcome.klPerDim!.every((kl) => kl >= 0));
  assert.ok(outcome.activeDims! >= 1 && outcome.activeDims! <= 6);
});
