/** Small dense linear algebra on typed arrays (row-major unless said); sizes here are latent dims, so O(D^3) is cheap. */

export interface Eigen {
  /** Eigenvalues, largest first. */
  values: Float64Array;
  /** Eigenvectors as rows (eigenvector i at i * n), in the order of values. */
  vectors: Float64Array;
}

/** Eigen-decomposition of a symmetric n x n matrix by cyclic Jacobi rotations (exact to rounding, robust to repeated eigenvalues). */
export function symmetricEigen(matrix: Float64Array, n: number): Eigen {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const x = a[i * n + j] * a[i * n + j];
        total += x;
        if (i !== j) off += x;
      }
    }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[y * n + y] - a[x * n + x]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((col, row) => {
    values[row] = a[col * n + col];
    for (let k = 0; k < n; k++) vectors[row * n + k] = v[k * n + col];
  });
  return { values, vectors };
}

/** Column means of an n x d matrix. */
export function columnMeans(data: Float32Array, n: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k] += data[i * d + k];
  for (let k = 0; k < d; k++) mean[k] /= Math.max(n, 1);
  return mean;
}

/** Sample covariance (divided by n) of an n x d matrix around the given mean. */
export function covariance(data: Float32Array, n: number, d: number, mean: Float64Array): Float64Array {
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) row[k] = data[i * d + k] - mean[k];
    for (let p = 0; p < d; p++) {
      const rp = row[p];
      if (rp === 0) continue;
      const base = p * d;
      for (let q = p; q < d; q++) cov[base + q] += rp * row[q];
    }
  }
  for (let p = 0; p < d; p++) {
    for (let q = p; q < d; q++) {
      cov[p * d + q] /= Math.max(n, 1);
      cov[q * d + p] = cov[p * d + q];
    }
  }
  return cov;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>, d = a.length, aOffset = 0, bOffset = 0): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += a[aOffset + k] * b[bOffset + k];
  return s;
}

export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

/** Lower-triangular L with L L^T = matrix (symmetric positive semi-definite; a tiny ridge keeps it defined). */
export function cholesky(matrix: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  let trace = 0;
  for (let i = 0; i < n; i++) trace += matrix[i * n + i];
  const ridge = 1e-10 * (trace / Math.max(n, 1) || 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = matrix[i * n + j] + (i === j ? ridge : 0);
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = i === j ? Math.sqrt(Math.max(s, 0)) : l[j * n + j] > 0 ? s / l[j * n + j] : 0;
    }
  }
  return l;
}

/**
 * Orthonormalises the columns of a column-major rows x cols matrix (column j at j * rows) in place
 * (modified Gram-Schmidt); a degenerate column becomes a zero column.
 */
export function orthonormaliseColumns(a: Float64Array, rows: number, cols: number): void {
  for (let j = 0; j < cols; j++) {
    const cj = j * rows;
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < j; i++) {
        const ci = i * rows;
        let dot = 0;
        for (let r = 0; r < rows; r++) dot += a[ci + r] * a[cj + r];
        for (let r = 0; r < rows; r++) a[cj + r] -= dot * a[ci + r];
      }
    }
    let norm = 0;
    for (let r = 0; r < rows; r++) norm += a[cj + r] ** 2;
    norm = Math.sqrt(norm);
    for (let r = 0; r < rows; r++) a[cj + r] = norm > 1e-12 ? a[cj + r] / norm : 0;
  }
}
