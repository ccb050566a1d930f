import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { resolveConfig } from '../../src-main/engine/config.ts';
import { pca } from '../../src-main/engine/models/pca.ts';
import type { BatchReader } from '../../src-main/engine/train/data-source.ts';
import { fitPca } from '../../src-main/engine/train/fit-pca.ts';
import { orthonormaliseColumns, symmetricEigen } from '../../src-main/linalg.ts';
import { seededRandom } from '../../src-main/random.ts';

test('symmetricEigen returns eigenpairs in descending order that reproduce the matrix', () => {
  const n = 6;
  const random = seededRandom(3);
  const b = Float64Array.from({ length: n * n }, () => random() - 0.5);
  const a = new Float64Array(n * n); // a = b b^T, symmetric positive semi-definite
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j] += b[i * n + k] * b[j * n + k];
  const { values, vectors } = symmetricEigen(a, n);
  for (let i = 1; i < n; i++) assert.ok(values[i - 1] >= values[i]);
  for (let c = 0; c < n; c++) {
    for (let r = 0; r < n; r++) {
      let av = 0;
      for (let k = 0; k < n; k++) av += a[r * n + k] * vectors[c * n + k];
      assert.ok(Math.abs(av - values[c] * vectors[c * n + r]) < 1e-9, `A v = lambda v for eigenpair ${c}`);
    }
  }
});

test('orthonormaliseColumns makes columns orthonormal', () => {
  const rows = 10;
  const cols = 4;
  const random = seededRandom(8);
  const q = Float64Array.from({ length: rows * cols }, () => random());
  orthonormaliseColumns(q, rows, cols);
  for (let i = 0; i < cols; i++) {
    for (let j = 0; j < cols; j++) {
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += q[i * rows + r] * q[j * rows + r];
      assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-12);
    }
  }
});

test('fitPca recovers a low-rank subspace: data of rank 3 is reconstructed exactly from 3 components', () => {
  const shape = { size: 4, channels: 1 } as const;
  const random = seededRandom(5);
  const basis = Array.from({ length: 3 }, () => Float32Array.from({ length: 16 }, () => random() - 0.5));
  const data = Array.from({ length: 200 }, () => {
    const w = [random(), random(), random()].map((v) => v * 2 - 1);
    return Float32Array.from({ length: 16 }, (_, j) => 0.5 + 0.3 * (w[0] * basis[0][j] + w[1] * basis[1][j] + w[2] * basis[2][j]));
  });
  const reader: Pick<BatchReader, 'length' | 'read'> = {
    length: data.length,
    read: (positions: ArrayLike<number>) => {
      const out = new Float32Array(positions.length * 16);
      for (let i = 0; i < positions.length; i++) out.set(data[positions[i]], i * 16);
      return out;
    },
  };
  const model = pca.build(resolveConfig({ model: 'pca', latent: 3 }, shape), shape);
  fitPca(model, reader as BatchReader, 16, 3, 1);
  const error = tf.tidy(() => {
    const x = tf.tensor4d(reader.read(data.map((_, i) => i)), [data.length, 4, 4, 1]);
    const reconstruction = model.decoder.predict(model.encoder.predict(x) as tf.Tensor) as tf.Tensor;
    return tf.squaredDifference(reconstruction, x).mean().dataSync()[0];
  });
  assert.ok(error < 1e-9, `reconstruction error ${error}`);
});
