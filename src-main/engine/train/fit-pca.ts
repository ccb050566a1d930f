import * as tf from '@tensorflow/tfjs';
import type { Autoencoder } from '../models/types.ts';
import type { BatchReader } from './data-source.ts';
import { orthonormaliseColumns, symmetricEigen } from '../../linalg.ts';
import { seededRandom } from '../../random.ts';

const PASS_BATCH = 1024;
const POWER_ITERATIONS = 6;
const OVERSAMPLE = 10;

function forEachBatch(reader: BatchReader, visit: (x: Float32Array, n: number) => void): void {
  for (let start = 0; start < reader.length; start += PASS_BATCH) {
    const n = Math.min(PASS_BATCH, reader.length - start);
    visit(reader.read(Array.from({ length: n }, (_, i) => start + i)), n);
  }
}

/**
 * Fits PCA in closed form by randomised subspace iteration over the data in batches
 * (never forming the pixels x pixels covariance), then sets the linear encoder/decoder
 * weights: code = (x - mean) W, x' = code W^T + mean.
 */
export function fitPca(model: Autoencoder, reader: BatchReader, pixels: number, latent: number, seed: number): void {
  const d = pixels;
  const m = Math.min(d, latent + OVERSAMPLE);
  const mean = new Float64Array(d);
  forEachBatch(reader, (x, n) => {
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j];
  });
  for (let j = 0; j < d; j++) mean[j] /= reader.length;
  const meanT = tf.tensor2d(Float32Array.from(mean), [1, d]);

  const random = seededRandom(seed);
  let q = Float64Array.from({ length: d * m }, () => random() - 0.5);
  orthonormaliseColumns(q, d, m);
  const qTensor = (cols: Float64Array) => tf.tensor2d(Float32Array.from(cols), [m, d]).transpose();

  for (let it = 0; it < POWER_ITERATIONS; it++) {
    const qt = qTensor(q);
    let z = tf.zeros([d, m]);
    forEachBatch(reader, (x, n) => {
      const next = tf.tidy(() => {
        const xc = tf.tensor2d(x, [n, d]).sub(meanT);
        return z.add(xc.transpose().matMul(xc.matMul(qt)));
      });
      z.dispose();
      z = next;
    });
    const zColumns = tf.tidy(() => z.transpose().dataSync());
    z.dispose();
    qt.dispose();
    q = Float64Array.from(zColumns);
    orthonormaliseColumns(q, d, m);
  }

  const qt = qTensor(q);
  let s = tf.zeros([m, m]);
  forEachBatch(reader, (x, n) => {
    const next = tf.tidy(() => {
      const y = tf.tensor2d(x, [n, d]).sub(meanT).matMul(qt);
      return s.add(y.transpose().matMul(y));
    });
    s.dispose();
    s = next;
  });
  const { vectors } = symmetricEigen(Float64Array.from(s.dataSync()), m);
  s.dispose();
  qt.dispose();

  // Components W = Q V[:, :latent], stored row-major d x latent.
  const w = new Float32Array(d * latent);
  for (let k = 0; k < latent; k++) {
    for (let r = 0; r < d; r++) {
      let sum = 0;
      for (let c = 0; c < m; c++) sum += q[c * d + r] * vectors[k * m + c];
      w[r * latent + k] = sum;
    }
  }
  // Biases are built from fresh arrays: a reshaped tensor shares its data with the original,
  // and the wasm backend's fused MatMul then sees the original's rank-2 shape.
  const encoderBias = new Float32Array(latent);
  for (let k = 0; k < latent; k++) {
    let dot = 0;
    for (let r = 0; r < d; r++) dot += mean[r] * w[r * latent + k];
    encoderBias[k] = -dot;
  }
  tf.tidy(() => {
    const kernel = tf.tensor2d(w, [d, latent]);
    model.encoder.getLayer('components').setWeights([kernel, tf.tensor1d(encoderBias)]);
    model.decoder.getLayer('dec_dense_0').setWeights([kernel.transpose(), tf.tensor1d(Float32Array.from(mean))]);
  });
  meanT.dispose();
}
