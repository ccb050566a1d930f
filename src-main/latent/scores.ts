import type { OutlierScore, RunScores } from '../contract/contract.ts';
import { PixelCache, pixelCachePath } from '../dataset/pixel-cache.ts';
import { pixelFeatures } from '../dataset/pixel-features.ts';
import { UserError } from '../errors.ts';
import { cacheDirFor } from '../paths.ts';
import type { QualityFeatures } from '../store/items.ts';
import type { Db } from '../store/open.ts';
import { runDataset, runStatus } from '../store/runs.ts';
import { readBaseScores, scoreColumn, scoreCounts, writeDerivedScores, type ScoreRow } from '../store/scores.ts';
import { loadRunCodes } from './codes.ts';
import { compressedBits } from './complexity.ts';
import { mahalanobisDistances } from './latent-density.ts';
import { robustZ } from './robust.ts';

export type { RunScores };

/** The error for a run without scores: it does not exist, or has not finished training. */
function noScoresError(db: Db, runId: number): UserError {
  const status = runStatus(db, runId);
  if (!status) return new UserError(`There is no run ${runId}; \`latent-lab runs\` lists them.`, 'not_found');
  return new UserError(`Run ${runId} has no scores yet (status: ${status}); they are written when training finishes.`, 'not_trained');
}

/**
 * The likelihood of an image in bits. VAEs: the negative ELBO (nats) in bits.
 * Autoencoders: a Gaussian around the reconstruction with the run's own noise
 * variance (`noiseVariance`), discretised to 256 levels, so that it is comparable
 * with a compressed length of the 8-bit image.
 */
export function likelihoodBits(row: Pick<ScoreRow, 'reconError' | 'negElbo'>, values: number, variance: number): number {
  if (row.negElbo !== null) return row.negElbo / Math.LN2;
  return (values / 2) * Math.log2(2 * Math.PI * variance) + (values * row.reconError) / (2 * variance * Math.LN2) + values * Math.log2(255);
}

/**
 * An autoencoder's noise variance: the mean reconstruction MSE of the reference
 * rows (the training split), the maximum-likelihood variance of a Gaussian
 * decoder. One per run: an image's own error as its variance would price an
 * image reconstructed badly everywhere (noise) no higher than a typical one.
 */
export function noiseVariance(reconErrors: number[]): number {
  const mean = reconErrors.reduce((sum, e) => sum + e, 0) / Math.max(1, reconErrors.length);
  return Math.max(mean, 1 / (12 * 255 * 255)); // no finer than the 8-bit quantisation noise
}

const pending = new Map<string, Promise<void>>();

/**
 * Makes sure every scored item of the run also has the derived scores: the
 * complexity-corrected likelihood, the latent density and the combined score.
 * They are computed from the stored codes, scores and pixels the first time a
 * run is asked for them (a run trained before they existed included), and stored.
 */
export async function ensureScores(db: Db, runId: number): Promise<void> {
  const counts = scoreCounts(db, runId);
  if (counts.scored === 0) throw noScoresError(db, runId);
  if (counts.underived === 0) return;
  const key = `${db.name}#${runId}`;
  let job = pending.get(key);
  if (!job) {
    job = deriveScores(db, runId).finally(() => pending.delete(key));
    pending.set(key, job);
  }
  await job;
}

async function deriveScores(db: Db, runId: number): Promise<void> {
  const rows = readBaseScores(db, runId);
  const dataset = runDataset(db, runId)!;
  const shape = { size: dataset.size, channels: dataset.channels };
  const cache = PixelCache.openReadOnly(pixelCachePath(cacheDirFor(db.name), dataset.id), shape);
  const complexityBits = new Float64Array(rows.length);
  const looks: QualityFeatures[] = [];
  try {
    for (let i = 0; i < rows.length; i++) {
      const pixels = cache.read([rows[i].cacheIndex]);
      complexityBits[i] = await compressedBits(pixels, dataset.size, dataset.channels);
      looks.push(pixelFeatures(pixels, shape));
    }
  } finally {
    cache.close();
  }
  const values = dataset.size * dataset.size * dataset.channels;
  const train = rows.flatMap((row, i) => (row.split === 'train' ? [i] : []));
  const fitRows = train.length ? train : rows.map((_, i) => i);
  const variance = noiseVariance(fitRows.map((i) => rows[i].reconError));
  const likelihood = Float64Array.from(rows, (row) => likelihoodBits(row, values, variance));
  const complexityCorrected = likelihood.map((bits, i) => bits - complexityBits[i]);

  const codes = loadRunCodes(db, runId);
  const rowOfItem = new Map(Array.from(codes.itemIds, (id, row) => [id, row]));
  const codeRows = rows.map((row) => rowOfItem.get(row.itemId) ?? -1);
  if (codeRows.includes(-1)) throw new Error(`run ${runId}: a scored item has no stored code`);
  const trainRows = codeRows.filter((_, i) => rows[i].split === 'train');
  const distances = mahalanobisDistances(codes.codes, codes.dim, trainRows.length > codes.dim ? trainRows : codeRows);
  const latentDensity = Float64Array.from(codeRows, (row) => distances[row]);

  // Too unlikely for how simple it is (a digit among clothes: the complexity-corrected score), or atypical
  // as a whole: a Mahalanobis distance over what the model says of the image (error, corrected likelihood,
  // code density) and what its pixels look like (spread, dark and light ends, entropy, sharpness), fitted on
  // the training split (in the spirit of DoSE, Morningstar et al. 2021). Noise and textures that the model
  // reconstructs passably and compression excuses are atypical in that joint summary, not in any one part;
  // a code far from every training code is atypical on its own. Both join at a quarter of their weight: their
  // tails on ordinary images are heavier (a striped shirt, a bag with a print), and only their extremes should
  // outrank what the complexity-corrected score finds (bench/outliers.ts: any weight from 1/3 to 1/6 does).
  const summary = rows.map((row, i) => {
    const look = looks[i];
    return [Math.log(Math.max(row.reconError, 1e-12)), complexityCorrected[i] / values, Math.log(latentDensity[i] + 1e-12), look.std, look.p01, look.p99, look.entropy, look.sharpness];
  });
  const atypicality = standardisedDistances(summary, fitRows);
  const z = (scores: Float64Array) => robustZ(scores, fitRows.map((i) => scores[i]));
  const [zAtypical, zDensity] = [z(atypicality), z(latentDensity)];
  const combined = z(complexityCorrected).map((zc, i) => Math.max(zc, zAtypical[i] / TAIL_WEIGHT, zDensity[i] / TAIL_WEIGHT));
  writeDerivedScores(db, runId, { itemIds: rows.map((r) => r.itemId), complexityBits, complexityCorrected, latentDensity, combined });
}

/** The atypicality's and the latent density's robust z-scores count a quarter in the combined score. */
const TAIL_WEIGHT = 4;

/**
 * Beyond this many standard deviations a feature says "atypical" and no more: a feature that is all but
 * constant in the training split (the brightest luma of icons on a white matte) would otherwise put the few
 * images that differ in it thousands of deviations away, and drown every other difference.
 */
const FEATURE_CLIP = 10;

/** Mahalanobis distances of rows of features of different units: each standardised on the fit rows first. */
function standardisedDistances(features: number[][], fitRows: number[]): Float64Array {
  const dim = features[0]?.length ?? 0;
  const flat = new Float32Array(features.length * dim);
  for (let k = 0; k < dim; k++) {
    const column = fitRows.map((i) => features[i][k]);
    const mean = column.reduce((sum, v) => sum + v, 0) / column.length;
    const sd = Math.sqrt(column.reduce((sum, v) => sum + (v - mean) ** 2, 0) / column.length) || 1;
    features.forEach((row, i) => (flat[i * dim + k] = Math.max(-FEATURE_CLIP, Math.min(FEATURE_CLIP, (row[k] - mean) / sd))));
  }
  return mahalanobisDistances(flat, dim, fitRows);
}

/** float64 scores to 7 significant digits: plenty to colour by, and half the JSON of a full double. */
const compact = (value: number | null) => (value === null ? null : Number(value.toPrecision(7)));

/** Every score of every scored item, for colouring every point of a projection by any of them. */
export async function runScores(db: Db, runId: number): Promise<RunScores> {
  await ensureScores(db, runId);
  const { withElbo, scored } = scoreCounts(db, runId);
  const names: OutlierScore[] = ['combined', 'complexity_corrected', 'latent_density', ...(withElbo === scored ? (['neg_elbo'] as const) : []), 'recon_error'];
  const columns = names.map((name) => ({ name, ...scoreColumn(db, runId, name) }));
  return {
    runId,
    score: 'combined',
    itemIds: columns[0].itemIds,
    scores: Object.fromEntries(columns.map((c) => [c.name, c.values.map(compact)])) as RunScores['scores'],
  };
}
