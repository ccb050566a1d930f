import { columnMeans, covariance, symmetricEigen } from '../linalg.ts';

export interface PcaResult {
  /** n x 3 coordinates on the first three principal axes (0 where the data has fewer dimensions). */
  coords: Float32Array;
  /** Variance along each of the three axes. */
  variance: number[];
  /** Fraction of the total variance each axis explains. */
  explained: number[];
}

/**
 * PCA of n x d rows to 3-D through the d x d covariance (d is a latent size,
 * so this is cheap at any n). Axis signs are fixed so that each axis's
 * largest-magnitude loading is positive, making results deterministic.
 */
export function pca3d(data: Float32Array, n: number, d: number): PcaResult {
  const mean = columnMeans(data, n, d);
  const { values, vectors } = symmetricEigen(covariance(data, n, d, mean), d);
  const axes = Math.min(3, d);
  for (let a = 0; a < axes; a++) {
    let largest = 0;
    for (let k = 0; k < d; k++) if (Math.abs(vectors[a * d + k]) > Math.abs(largest)) largest = vectors[a * d + k];
    if (largest < 0) for (let k = 0; k < d; k++) vectors[a * d + k] = -vectors[a * d + k];
  }
  const coords = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < axes; a++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (data[i * d + k] - mean[k]) * vectors[a * d + k];
      coords[i * 3 + a] = s;
    }
  }
  const total = values.reduce((s, v) => s + Math.max(v, 0), 0);
  const variance = [0, 1, 2].map((a) => (a < axes ? Math.max(values[a], 0) : 0));
  return { coords, variance, explained: variance.map((v) => (total > 0 ? v / total : 0)) };
}
