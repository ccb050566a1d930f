import { outlierScoreNames, type OutlierList, type OutlierScore } from '../contract/contract.ts';
import { UserError } from '../errors.ts';
import type { Db } from '../store/open.ts';
import { rankedByScore, scoreColumn, scoreCounts } from '../store/scores.ts';
import { DEFAULT_OUTLIER_K, robustThreshold } from './robust.ts';
import { ensureScores } from './scores.ts';

const HISTOGRAM_BINS = 40;

/** The scores a run has: all of them for VAEs, all but the negative ELBO for the others. */
function availableScores(db: Db, runId: number): OutlierScore[] {
  const { scored, withElbo } = scoreCounts(db, runId);
  return outlierScoreNames.filter((name) => name !== 'neg_elbo' || (scored > 0 && withElbo === scored));
}

/**
 * Items of a run ranked by one outlier score (default: combined), the top
 * `top` of them, with a threshold suggested from that score's own spread and
 * a histogram of every item's score. The list is never empty when items are
 * scored: the threshold marks a place in it, it does not filter it.
 */
export async function rankOutliers(db: Db, runId: number, options: { top?: number; score?: OutlierScore; k?: number } = {}): Promise<OutlierList> {
  const { top = 100, score = 'combined', k = DEFAULT_OUTLIER_K } = options;
  if (!Number.isInteger(top) || top < 1) throw new UserError(`--top must be a positive whole number, got ${top}`);
  await ensureScores(db, runId);
  const available = availableScores(db, runId);
  if (!available.includes(score)) throw new UserError(`--score ${score} is not available for run ${runId}; it has ${available.join(', ')}`);
  const all = scoreColumn(db, runId, score).values as number[];
  const { threshold, median, mad } = robustThreshold(all, k);
  const aboveThreshold = all.reduce((count, s) => count + (s > threshold ? 1 : 0), 0);
  const items = rankedByScore(db, runId, score, top).map((row, i) => ({ rank: i + 1, ...row }));
  return { runId, score, available, threshold, k, median, mad, scored: all.length, aboveThreshold, items, histogram: histogram(all, threshold, HISTOGRAM_BINS) };
}

/**
 * About `bins` equal-width bins from the lowest value, with `threshold` on an edge. The axis ends at the
 * highest value unless that lies far beyond the bulk (a few images hundreds of deviations out would
 * squeeze every other one into the first bar): then at the 99th percentile plus twice its distance from
 * the median, and the values above are counted as `beyond`.
 */
function histogram(values: number[], threshold: number, bins: number): OutlierList['histogram'] {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return { min: 0, max: 0, width: 1, counts: new Array<number>(bins).fill(0), beyond: 0 };
  const quantile = (p: number) => sorted[Math.floor(p * (n - 1))];
  const lowest = sorted[0];
  const end = Math.max(threshold, Math.min(sorted[n - 1], quantile(0.99) + 2 * (quantile(0.99) - quantile(0.5))));
  const width = (end - lowest) / bins || 1;
  const below = Math.max(0, Math.ceil((threshold - lowest) / width)); // bins under the threshold
  const count = below + Math.max(1, Math.ceil((end - threshold) / width));
  const counts = new Array<number>(count).fill(0);
  let beyond = 0;
  for (const v of sorted) {
    // bin (edge, edge + width], indexed from the threshold so that the count above it is exact
    const bin = below + Math.ceil((v - threshold) / width) - 1;
    if (bin >= count) beyond++;
    else counts[Math.max(0, bin)]++;
  }
  return { min: threshold - below * width, max: threshold + (count - below) * width, width, counts, beyond };
}
