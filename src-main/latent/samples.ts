import type { RunModel } from '../engine/run-model.ts';
import { UserError } from '../errors.ts';
import type { RunCodes } from './codes.ts';
import { classIndex, decodeImages, type Images } from './decode.ts';
import { cholesky, columnMeans, covariance } from '../linalg.ts';
import { normalQuantile } from './normal.ts';
import { gaussian, seededRandom } from '../random.ts';

export interface Samples extends Images {
  codes: Float32Array;
  /** 'prior': N(0, I), the VAE's prior; 'fitted-gaussian': a plain autoencoder has no prior, so a Gaussian fitted to its codes stands in. */
  source: 'prior' | 'fitted-gaussian';
  /** Label of each sample (conditional models), else empty. */
  labels: string[];
}

/**
 * n codes drawn from the prior and decoded. A conditional VAE decodes them
 * with the given label, or, without one, n per label (grouped by label).
 */
export function sampleImages(model: RunModel, codes: RunCodes, n: number, options: { label?: string; seed?: number } = {}): Samples {
  if (!Number.isInteger(n) || n < 1) throw new UserError(`the number of samples must be a positive whole number, got ${n}`);
  const labels = model.conditional ? (options.label !== undefined ? [model.labels[classIndex(model, options.label)]] : model.labels) : [];
  if (!model.conditional && options.label !== undefined) throw new UserError(`run ${model.runId} (${model.model}) is not conditional, so it cannot sample a label`, 'invalid_input');
  const total = n * Math.max(labels.length, 1);
  const normal = gaussian(seededRandom(options.seed ?? 0));
  const d = model.latentDim;
  const drawn = Float32Array.from({ length: total * d }, normal);
  const source = model.variational ? 'prior' : 'fitted-gaussian';
  if (source === 'fitted-gaussian') colourWithCodes(drawn, total, codes);
  const sampleLabels = labels.flatMap((l) => new Array<string>(n).fill(l));
  const classes = model.conditional ? Int32Array.from(sampleLabels, (l) => model.labels.indexOf(l)) : undefined;
  return { codes: drawn, source, labels: sampleLabels, ...decodeImages(model, drawn, total, classes) };
}

/** Maps standard normal draws to N(mean, cov) of the stored codes: z = mean + L e. */
function colourWithCodes(drawn: Float32Array, total: number, codes: RunCodes): void {
  const d = codes.dim;
  const mean = columnMeans(codes.codes, codes.n, d);
  const l = cholesky(covariance(codes.codes, codes.n, d, mean), d);
  const e = new Float64Array(d);
  for (let i = 0; i < total; i++) {
    for (let k = 0; k < d; k++) e[k] = drawn[i * d + k];
    for (let r = 0; r < d; r++) {
      let s = mean[r];
      for (let k = 0; k <= r; k++) s += l[r * d + k] * e[k];
      drawn[i * d + r] = s;
    }
  }
}

export interface Manifold extends Images {
  steps: number;
  codes: Float32Array;
  /** The values along each axis: Gaussian quantiles (VAEs) or an even spread over the codes' range. */
  axis: { x: number[]; y: number[] };
}

/**
 * The decoded 2-D latent plane as a steps x steps grid, row-major with y
 * decreasing down the rows (like a plot). VAEs: the prior's quantiles at
 * (i + 0.5) / steps, so each cell holds equal prior mass (Kingma & Welling's
 * figure); other models: evenly over the codes' 1st-99th percentile range.
 */
export function manifoldGrid(model: RunModel, codes: RunCodes, steps: number, label?: string): Manifold {
  if (model.latentDim !== 2) throw new UserError(`a manifold grid needs a 2-D latent; run ${model.runId} has ${model.latentDim} dimensions (use sample instead)`, 'unsupported');
  if (!Number.isInteger(steps) || steps < 2) throw new UserError(`a manifold grid needs at least 2 steps, got ${steps}`);
  const axisValues = (dim: number): number[] => {
    if (model.variational) return Array.from({ length: steps }, (_, i) => normalQuantile((i + 0.5) / steps));
    const values = Array.from({ length: codes.n }, (_, i) => codes.codes[i * 2 + dim]).sort((a, b) => a - b);
    const lo = values[Math.floor(0.01 * (values.length - 1))];
    const hi = values[Math.ceil(0.99 * (values.length - 1))];
    return Array.from({ length: steps }, (_, i) => lo + ((hi - lo) * i) / (steps - 1));
  };
  const x = axisValues(0);
  const y = axisValues(1).reverse();
  const grid = new Float32Array(steps * steps * 2);
  for (let r = 0; r < steps; r++) {
    for (let c = 0; c < steps; c++) {
      grid[(r * steps + c) * 2] = x[c];
      grid[(r * steps + c) * 2 + 1] = y[r];
    }
  }
  const classes = model.conditional ? new Int32Array(steps * steps).fill(classIndex(model, label)) : undefined;
  return { steps, codes: grid, axis: { x, y }, ...decodeImages(model, grid, steps * steps, classes) };
}
