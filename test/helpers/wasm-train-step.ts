import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backends/select.ts';
import { seededRandom } from '../../src-main/random.ts';

// One SGD step of a small conv autoencoder on a fixed batch with fixed initial weights, on the
// wasm backend with LATENT_LAB_THREADS threads (and OpenBLAS's kernels unless LATENT_LAB_BLAS=off);
// prints the threads, the OpenBLAS build, the loss, the weights and the largest change of a weight as JSON.

function random(seed: number, shape: number[]): tf.Tensor {
  const uniform = seededRandom(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => uniform() * 0.4 - 0.2), shape);
}

const selected = await selectBackend('wasm', { convGradients: true });
const batch = tf.sigmoid(random(1, [16, 16, 16, 3]));
const weights = [
  tf.variable(random(2, [3, 3, 3, 8])),
  tf.variable(random(3, [3, 3, 8, 16])),
  tf.variable(random(4, [4 * 4 * 16, 12])),
  tf.variable(random(5, [12, 4 * 4 * 16])),
  tf.variable(random(6, [3, 3, 8, 16])),
  tf.variable(random(7, [3, 3, 3, 8])),
];
const [conv1, conv2, encode, decode, deconv1, deconv2] = weights;

function loss(): tf.Scalar {
  let h = tf.relu(tf.conv2d(batch as tf.Tensor4D, conv1 as tf.Tensor4D, 2, 'same'));
  h = tf.relu(tf.conv2d(h, conv2 as tf.Tensor4D, 2, 'same'));
  const code = tf.matMul(tf.reshape(h, [16, -1]), encode as tf.Tensor2D);
  let g = tf.reshape(tf.relu(tf.matMul(code, decode as tf.Tensor2D)), [16, 4, 4, 16]) as tf.Tensor4D;
  g = tf.relu(tf.conv2dTranspose(g, deconv1 as tf.Tensor4D, [16, 8, 8, 8], 2, 'same'));
  const out = tf.sigmoid(tf.conv2dTranspose(g, deconv2 as tf.Tensor4D, [16, 16, 16, 3], 2, 'same'));
  return tf.losses.meanSquaredError(batch, out) as tf.Scalar;
}

const before = weights.map((weight) => weight.dataSync().slice());
const step = tf.train.sgd(100).minimize(loss, true) as tf.Scalar;
const after = weights.map((weight) => Array.from(weight.dataSync()));
console.log(JSON.stringify({
  threads: selected.threads,
  blas: selected.blas,
  loss: step.dataSync()[0],
  weights: after,
  moved: Math.max(...after.flatMap((weight, w) => weight.map((value, i) => Math.abs(value - before[w][i])))),
}));
