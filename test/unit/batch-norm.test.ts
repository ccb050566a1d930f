import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backends/select.ts';
import { BatchNormalization } from '../../src-main/engine/models/batch-norm.ts';
import { seededRandom } from '../../src-main/random.ts';

before(async () => {
  await selectBackend('wasm', { convGradients: true }, { threads: 1 });
});

function values(seed: number, shape: number[], offset = 0, spread = 1): tf.Tensor {
  const uniform = seededRandom(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => offset + spread * (uniform() * 2 - 1)), shape);
}

function assertClose(actual: tf.Tensor, expected: tf.Tensor, what: string, tolerance = 1e-4): void {
  const [a, e] = [actual.dataSync(), expected.dataSync()];
  assert.equal(a.length, e.length, what);
  const scale = Math.max(1e-6, ...Array.from(e, Math.abs));
  const worst = Math.max(...Array.from(a, (v, i) => Math.abs(v - e[i])));
  assert.ok(worst <= tolerance * scale, `${what}: differs by ${worst} (largest value ${scale})`);
}

/** One training pass of a layer on x with a weighted sum as the loss: output, gradients (x, gamma, beta), moving statistics. */
function trainingPass(layer: tf.layers.Layer, x: tf.Tensor, weights: tf.Tensor) {
  layer.apply(x, { training: false }); // builds the weights
  layer.setWeights([values(3, [5], 1, 0.5), values(4, [5], 0, 0.5), values(5, [5], 0, 0.2), values(6, [5], 1, 0.3)]);
  const [gamma, beta] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const loss = () => (layer.apply(x, { training: true }) as tf.Tensor).mul(weights).sum() as tf.Scalar;
  const output = layer.apply(x, { training: true }) as tf.Tensor;
  const dx = tf.grad((input: tf.Tensor) => (layer.apply(input, { training: true }) as tf.Tensor).mul(weights).sum())(x);
  const { grads } = tf.variableGrads(loss, [gamma, beta]);
  const [, , movingMean, movingVariance] = layer.getWeights();
  return { output, dx, dGamma: grads[gamma.name], dBeta: grads[beta.name], movingMean, movingVariance };
}

test('batch norm: the closed-form training gradient equals tfjs differentiating the stock layer, moving statistics and inference alike', () => {
  const x = values(1, [6, 4, 3, 5], 0.3, 2);
  const weights = values(2, [6, 4, 3, 5]);
  const ours = trainingPass(new BatchNormalization({ momentum: 0.9 }), x, weights);
  const stock = trainingPass(tf.layers.batchNormalization({ momentum: 0.9 }), x, weights);
  assert.ok(!(tf.layers.batchNormalization({}) instanceof BatchNormalization), 'compared with the stock class');
  assertClose(ours.output, stock.output, 'output');
  assertClose(ours.dx, stock.dx, 'gradient of the input');
  assertClose(ours.dGamma, stock.dGamma, 'gradient of gamma');
  assertClose(ours.dBeta, stock.dBeta, 'gradient of beta');
  // three training passes each moved the moving averages the same way
  assertClose(ours.movingMean, stock.movingMean, 'moving mean');
  assertClose(ours.movingVariance, stock.movingVariance, 'moving variance');
});

test('batch norm: a stored model loads into this layer, with its weights', async () => {
  const input = tf.input({ shape: [3, 3, 2] });
  const model = tf.model({ inputs: input, outputs: new BatchNormalization({ momentum: 0.9, name: 'bn' }).apply(input) as tf.SymbolicTensor });
  model.layers[1].setWeights([values(7, [2]), values(8, [2]), values(9, [2]), values(10, [2], 2, 0.5)]);
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => ((saved = artifacts), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
  assert.ok(loaded.layers[1] instanceof BatchNormalization);
  const x = values(11, [4, 3, 3, 2]);
  assertClose(loaded.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor, 'inference after loading');
});
