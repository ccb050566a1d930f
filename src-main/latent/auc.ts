/**
 * ROC AUC of scores for positives against negatives: the probability that a
 * random positive scores above a random negative, ties counting one half
 * (the Mann-Whitney U statistic over n_pos * n_neg). NaN when either side is empty.
 */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean | number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && scores[order[end + 1]] === scores[order[start]]) end++;
    const midRank = (start + end) / 2 + 1;
    for (let s = start; s <= end; s++) {
      if (positive[order[s]]) {
        positives++;
        rankSum += midRank;
      }
    }
    start = end + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
