import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backends/select.ts';
import { ADAM_UPDATE } from '../../src-main/engine/backends/wasm/adam-update.ts';
import { blasKernels, setBlasKernels } from '../../src-main/engine/backends/wasm/blas.ts';
import { FusedAdam } from '../../src-main/engine/train/fused-adam.ts';
import { seededRandom } from '../../src-main/random.ts';

before(async () => {
  await selectBackend('wasm', {}, { threads: 1 });
});

const SHAPES = [[7, 5], [5], [3, 3, 2, 4]];

function values(seed: number, shape: number[]): Float32Array {
  const uniform = seededRandom(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => uniform() * 2 - 1);
}

/** Four steps (the rate changing between them, as the schedule does) on fresh variables; returns variables and slots. */
async function train(optimizer: tf.AdamOptimizer, prefix: string): Promise<{ weights: Float32Array[]; slots: Float32Array[]; iterations: number }> {
  const variables = SHAPES.map((shape, i) => tf.variable(tf.tensor(values(i, shape), shape), true, `${prefix}${i}`));
  for (let step = 0; step < 4; step++) {
    (optimizer as unknown as { learningRate: number }).learningRate = 0.01 * (step + 1);
    const gradients = variables.map((v, i) => ({ name: v.name, tensor: tf.tensor(values(100 * step + i + 7, v.shape), v.shape) }));
    optimizer.applyGradients(gradients);
    tf.dispose(gradients.map((g) => g.tensor));
  }
  const saved = await optimizer.getWeights();
  const iterations = saved[0].tensor.dataSync()[0];
  const result = {
    weights: variables.map((v) => v.dataSync() as Float32Array),
    slots: saved.slice(1).map((w) => w.tensor.dataSync() as Float32Array),
    iterations,
  };
  tf.dispose(variables);
  saved[0].tensor.dispose();
  optimizer.dispose();
  return result;
}

function assertClose(label: string, actual: Float32Array, expected: Float32Array): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= 1e-6 + 1e-5 * Math.abs(expected[i]), `${label}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

test('the wasm backend has the fused Adam update kernel', () => {
  assert.ok(tf.getKernel(ADAM_UPDATE, 'wasm'));
});

test("FusedAdam's one-kernel updates give tfjs Adam's weights, moments and step count, natively and in JavaScript", async () => {
  const native = blasKernels();
  try {
    for (const kernels of native ? [native, null] : [null]) {
      setBlasKernels(kernels);
      const path = kernels ? 'OpenBLAS' : 'JavaScript';
      const fused = await train(new FusedAdam(0.01), `fused-${path}`);
      const stock = await train(tf.train.adam(0.01), `stock-${path}`);
      assert.equal(fused.iterations, stock.iterations);
      fused.weights.forEach((w, i) => assertClose(`${path}: weight ${i}`, w, stock.weights[i]));
      assert.equal(fused.slots.length, 2 * SHAPES.length);
      fused.slots.forEach((s, i) => assertClose(`${path}: slot ${i}`, s, stock.slots[i]));
      assert.ok(Math.abs(fused.weights[0][0] - values(0, SHAPES[0])[0]) > 0.01, 'the steps move the weights');
    }
  } finally {
    setBlasKernels(native);
  }
});

test('FusedAdam trains a model through minimize like tfjs Adam, and resumes from saved slots', async () => {
  const run = async (optimizer: tf.AdamOptimizer, resumeFrom?: Awaited<ReturnType<tf.Optimizer['getWeights']>>) => {
    const w = tf.variable(tf.tensor(values(3, [6, 4]), [6, 4]));
    const x = tf.tensor(values(4, [8, 6]), [8, 6]);
    if (resumeFrom) await optimizer.setWeights(resumeFrom);
    const losses = [0, 1, 2].map(() => optimizer.minimize(() => tf.matMul(x, w).square().mean() as tf.Scalar, true)!.dataSync()[0]);
    const result = { losses, w: w.dataSync() as Float32Array, saved: await optimizer.getWeights() };
    tf.dispose([w, x]);
    return result;
  };
  const fused = await run(new FusedAdam(0.05));
  const stock = await run(tf.train.adam(0.05));
  assertClose('losses', Float32Array.from(fused.losses), Float32Array.from(stock.losses));
  assertClose('weights', fused.w, stock.w);
  const resumed = await run(new FusedAdam(0.05), fused.saved);
  const stockResumed = await run(tf.train.adam(0.05), stock.saved);
  assertClose('resumed weights', resumed.w, stockResumed.w);
});
