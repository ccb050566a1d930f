/** Dense float64 helpers for the small matrices of the PCA fit (column-major: column j at j * rows). */

/** Orthonormalises the columns in place (modified Gram-Schmidt); a degenerate column becomes a zero column. */
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

/**
 * Eigen-decomposition of a symmetric n x n matrix (row-major) by cyclic Jacobi rotations.
 * Returns eigenvalues in descending order and the matching eigenvectors as columns (column-major).
 */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
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
          const vkp = v[p * n + k];
          const vkq = v[q * n + k];
          v[p * n + k] = c * vkp - s * vkq;
          v[q * n + k] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j] - a[i * n + i]);
  const values = Float64Array.from(order, (i) => a[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => vectors.set(v.subarray(src * n, src * n + n), dst * n));
  return { values, vectors };
}
