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
  return { runId, score, available, threshold, k, median, mad, scored: all.length, aboveThreshold, items, histogram: histogram(all, HISTOGRAM_BINS) };
}

/** Counts of values in `bins` equal-width bins from their min to their max. */
function histogram(values: number[], bins: number): OutlierList['histogram'] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const counts = new Array<number>(bins).fill(0);
  if (values.length === 0) return { min: 0, max: 0, counts };
  const width = (max - min) / bins || 1;
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - min) / width))]++;
  return { min, max, counts };
}
