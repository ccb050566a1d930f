import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backends/select.ts';

// The gradient of every op an autoencoder or VAE is built from runs on wasm and agrees with cpu.

before(async () => {
  await selectBackend('wasm');
});

const ops: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  relu: tf.relu,
  sigmoid: tf.sigmoid,
  tanh: tf.tanh,
  elu: tf.elu,
  selu: tf.selu,
  softplus: tf.softplus,
  leakyRelu: (x) => tf.leakyRelu(x, 0.2),
  log: tf.log,
  log1p: tf.log1p,
  exp: tf.exp,
  abs: tf.abs,
  sqrt: tf.sqrt,
  clipByValue: (x) => tf.clipByValue(x, 0.2, 0.8),
  maximum: (x) => tf.maximum(x, 0.5),
  mean: (x) => tf.mean(x, 1),
  squaredDifference: (x) => tf.squaredDifference(x, 0.3),
  concat: (x) => tf.concat([x, x.square()], 3),
  split: (x) => tf.split(x, [1, 2], 3)[1],
  slice: (x) => tf.slice(x, [0, 1, 1, 0], [2, 4, 4, 2]),
  transpose: (x) => x.transpose([0, 3, 1, 2]),
  pad: (x) => tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]),
  maxPool: (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'same'),
  avgPool: (x) => tf.avgPool(x as tf.Tensor4D, 2, 2, 'same'),
  resizeBilinear: (x) => tf.image.resizeBilinear(x as tf.Tensor4D, [16, 16]),
  batchNorm: (x) => {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    return tf.batchNorm(x, mean, variance, tf.fill([3], 0.5), tf.fill([3], 2), 1e-3);
  },
  gather: (x) => tf.gather(x.reshape([16, 24]), tf.tensor1d([0, 3, 3, 7], 'int32')),
  softmax: (x) => tf.softmax(x),
  matMulTransposed: (x) => tf.matMul(x.reshape([16, 24]), x.reshape([16, 24]), true, false),
  conv2dTranspose: (x) => tf.conv2dTranspose(x as tf.Tensor4D, tf.fill([3, 3, 2, 3], 0.1) as tf.Tensor4D, [2, 16, 16, 2], 2, 'same'),
};

test('op gradients on wasm match cpu', async () => {
  const values = (tf.randomUniform([2, 8, 8, 3], 0.05, 0.95, 'float32', 1) as tf.Tensor4D).arraySync();
  for (const [name, op] of Object.entries(ops)) {
    const gradient = () => tf.tidy(() => tf.grad((x: tf.Tensor) => op(x).square().sum())(tf.tensor4d(values)).dataSync().slice());
    await tf.setBackend('wasm');
    const onWasm = gradient();
    await tf.setBackend('cpu');
    const onCpu = gradient();
    for (let i = 0; i < onCpu.length; i++) {
      const error = Math.abs(onWasm[i] - onCpu[i]) / (1 + Math.abs(onCpu[i]));
      assert.ok(error < 1e-3, `${name}: gradient element ${i} is ${onWasm[i]} on wasm, ${onCpu[i]} on cpu`);
    }
  }
  await tf.setBackend('wasm');
});

test('a conv autoencoder and a conv VAE built with tf.layers train on wasm', async () => {
  await tf.setBackend('wasm');
  const encoder = (codeUnits: number) =>
    tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
        tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: codeUnits }),
      ],
    });
  const decoder = () =>
    tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [2], units: 2 * 2 * 8, activation: 'relu' }),
        tf.layers.reshape({ targetShape: [2, 2, 8] }),
        tf.layers.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
        tf.layers.conv2dTranspose({ filters: 1, kernelSize: 3, strides: 2, padding: 'same', activation: 'sigmoid' }),
      ],
    });
  const x = tf.randomUniform([16, 8, 8, 1], 0, 1, 'float32', 3);
  for (const variational of [false, true]) {
    const enc = encoder(variational ? 4 : 2);
    const dec = decoder();
    const optimizer = tf.train.adam(0.01);
    const loss = () => {
      const code = enc.apply(x) as tf.Tensor2D;
      if (!variational) return tf.losses.meanSquaredError(x, dec.apply(code) as tf.Tensor) as tf.Scalar;
      const [mean, logVar] = tf.split(code, 2, 1);
      const z = mean.add(tf.exp(logVar.mul(0.5)).mul(tf.randomNormal(mean.shape, 0, 1, 'float32', 5)));
      const kl = tf.mean(tf.exp(logVar).add(mean.square()).sub(logVar).sub(1)).mul(0.5);
      return tf.losses.meanSquaredError(x, dec.apply(z) as tf.Tensor).add(kl.mul(1e-3)) as tf.Scalar;
    };
    const losses: number[] = [];
    for (let step = 0; step < 15; step++) {
      const cost = optimizer.minimize(loss, true)!;
      losses.push(cost.dataSync()[0]);
      cost.dispose();
    }
    assert.ok(losses.every(Number.isFinite), `losses are finite: ${losses}`);
    assert.ok(losses.at(-1)! < losses[0], `${variational ? 'VAE' : 'AE'} loss falls: ${losses[0]} -> ${losses.at(-1)}`);
    enc.dispose();
    dec.dispose();
    optimizer.dispose();
  }
  x.dispose();
});
