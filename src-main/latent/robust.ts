/** Median of the values (NaN when empty). */
export function median(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return NaN;
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/** Median absolute deviation from the median, unscaled. */
export function medianAbsoluteDeviation(values: ArrayLike<number>): number {
  const m = median(values);
  return median(Float64Array.from(values, (v) => Math.abs(v - m)));
}

/** 1.4826 * MAD estimates the standard deviation for normally distributed data. */
export const MAD_TO_SIGMA = 1.4826;
/** Iglewicz & Hoaglin's cut-off for outliers on the robust z-score scale. */
export const DEFAULT_OUTLIER_K = 3.5;

/**
 * A robust outlier threshold: median + k * 1.4826 * MAD, that is, k robust
 * standard deviations above the median. Unlike a fixed contamination rate, it
 * flags nothing on clean data and follows the spread of the scores.
 */
export function robustThreshold(values: ArrayLike<number>, k = DEFAULT_OUTLIER_K): { threshold: number; median: number; mad: number } {
  const m = median(values);
  const mad = medianAbsoluteDeviation(values);
  return { threshold: m + k * MAD_TO_SIGMA * mad, median: m, mad };
}

/**
 * Robust z-scores: (v - median) / (1.4826 * MAD), with the median and MAD taken
 * over the reference values only (the training split), so that scores of
 * different units can be added.
 */
export function robustZ(values: ArrayLike<number>, reference: ArrayLike<number>): Float64Array {
  const m = median(reference);
  const sigma = MAD_TO_SIGMA * medianAbsoluteDeviation(reference) || 1;
  return Float64Array.from(values, (v) => (v - m) / sigma);
}
