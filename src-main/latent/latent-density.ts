/**
 * Latent density: the Mahalanobis distance of each code under a Gaussian
 * fitted to the training codes. The covariance is Ledoit-Wolf shrunk (well
 * conditioned even with few codes or dead dimensions) and fitted robustly: a
 * few concentration steps refit it on the codes closest to the current fit,
 * so the foreign images it should find do not inflate it.
 */
const KEEP = 0.9;
const STEPS = 3;

export function mahalanobisDistances(codes: Float32Array, dim: number, fitRows: ArrayLike<number>): Float64Array {
  const n = codes.length / dim;
  let rows = Array.from(fitRows);
  let distances: Float64Array = new Float64Array(n);
  for (let step = 0; step <= STEPS; step++) {
    const { mean, cholesky } = fitGaussian(codes, dim, rows);
    distances = mahalanobis(codes, dim, mean, cholesky);
    if (step === STEPS) break;
    const kept = Math.max(dim + 1, Math.ceil(fitRows.length * KEEP));
    rows = Array.from(fitRows).sort((a, b) => distances[a] - distances[b]).slice(0, kept);
  }
  return distances;
}

function fitGaussian(codes: Float32Array, dim: number, rows: number[]): { mean: Float64Array; cholesky: Float64Array } {
  const n = rows.length;
  const mean = new Float64Array(dim);
  for (const r of rows) for (let k = 0; k < dim; k++) mean[k] += codes[r * dim + k] / n;
  const x = new Float64Array(n * dim);
  rows.forEach((r, i) => {
    for (let k = 0; k < dim; k++) x[i * dim + k] = codes[r * dim + k] - mean[k];
  });
  return { mean, cholesky: choleskyOf(ledoitWolf(x, n, dim), dim) };
}

/** Ledoit-Wolf shrinkage of the sample covariance of centred rows towards mu * I (sklearn's formula). */
function ledoitWolf(x: Float64Array, n: number, dim: number): Float64Array {
  const cov = new Float64Array(dim * dim);
  const squares = new Float64Array(dim * dim); // X2' X2
  for (let i = 0; i < n; i++) {
    const row = i * dim;
    for (let a = 0; a < dim; a++) {
      const xa = x[row + a];
      for (let b = a; b < dim; b++) {
        const xb = x[row + b];
        cov[a * dim + b] += xa * xb;
        squares[a * dim + b] += xa * xa * xb * xb;
      }
    }
  }
  let trace = 0;
  let beta = 0;
  let delta = 0;
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const weight = a === b ? 1 : 2;
      cov[a * dim + b] /= n;
      cov[b * dim + a] = cov[a * dim + b];
      beta += weight * squares[a * dim + b];
      delta += weight * cov[a * dim + b] ** 2;
    }
    trace += cov[a * dim + a];
  }
  const mu = trace / dim;
  beta = (beta / n - delta) / n / dim; // sklearn: (beta_/n - delta_) / (d n), with delta_ = |S|_F^2 here
  delta = (delta - 2 * mu * trace + dim * mu * mu) / dim;
  const shrinkage = delta > 0 ? Math.min(beta, delta) / delta : 1;
  const floor = Math.max(mu, 1e-12) * 1e-6; // a dimension the model never uses must not divide by zero
  for (let a = 0; a < dim; a++) {
    for (let b = 0; b < dim; b++) cov[a * dim + b] *= 1 - shrinkage;
    cov[a * dim + a] += shrinkage * mu + floor;
  }
  return cov;
}

/** Lower-triangular L with L L' = A (A symmetric positive definite). */
function choleskyOf(a: Float64Array, dim: number): Float64Array {
  const l = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * dim + j];
      for (let k = 0; k < j; k++) sum -= l[i * dim + k] * l[j * dim + k];
      l[i * dim + j] = i === j ? Math.sqrt(Math.max(sum, 1e-300)) : sum / l[j * dim + j];
    }
  }
  return l;
}

/** sqrt((x - mean)' A^-1 (x - mean)) for every row, by forward substitution with A's Cholesky factor. */
function mahalanobis(codes: Float32Array, dim: number, mean: Float64Array, l: Float64Array): Float64Array {
  const n = codes.length / dim;
  const out = new Float64Array(n);
  const y = new Float64Array(dim);
  for (let r = 0; r < n; r++) {
    let sum = 0;
    for (let i = 0; i < dim; i++) {
      let v = codes[r * dim + i] - mean[i];
      for (let k = 0; k < i; k++) v -= l[i * dim + k] * y[k];
      y[i] = v / l[i * dim + i];
      sum += y[i] * y[i];
    }
    out[r] = Math.sqrt(sum);
  }
  return out;
}
