import type { Neighbours } from './knn.ts';

/** A symmetric weighted graph as a list of directed edges (both directions present). */
export interface WeightedEdges {
  heads: Int32Array;
  tails: Int32Array;
  weights: Float32Array;
}

/**
 * UMAP's fuzzy simplicial set (McInnes et al. 2018, umap-learn's
 * fuzzy_simplicial_set with set_op_mix_ratio 1 and local_connectivity 1):
 * per-point smooth kNN distances, membership strengths, then the fuzzy union
 * w + w' - w w'. Neighbour lists start with the point itself.
 */
export function fuzzySimplicialSet(neighbours: Neighbours, n: number, k: number): WeightedEdges {
  const { indices, distances } = neighbours;
  const target = Math.log2(k);
  const strengths = new Float32Array(n * k);
  let meanAll = 0;
  for (let s = 0; s < n * k; s++) meanAll += distances[s];
  meanAll /= n * k;
  for (let i = 0; i < n; i++) {
    const base = i * k;
    let rho = 0;
    let rowMean = 0;
    for (let s = 0; s < k; s++) {
      rowMean += distances[base + s];
      if (rho === 0 && distances[base + s] > 0) rho = distances[base + s];
    }
    rowMean /= k;
    let lo = 0;
    let hi = Infinity;
    let sigma = 1;
    for (let iteration = 0; iteration < 64; iteration++) {
      let psum = 0;
      for (let s = 1; s < k; s++) {
        const excess = distances[base + s] - rho;
        psum += excess > 0 ? Math.exp(-excess / sigma) : 1;
      }
      if (Math.abs(psum - target) < 1e-5) break;
      if (psum > target) {
        hi = sigma;
        sigma = (lo + hi) / 2;
      } else {
        lo = sigma;
        sigma = hi === Infinity ? sigma * 2 : (lo + hi) / 2;
      }
    }
    sigma = Math.max(sigma, 1e-3 * (rho > 0 ? rowMean : meanAll));
    for (let s = 0; s < k; s++) {
      const j = indices[base + s];
      const excess = distances[base + s] - rho;
      strengths[base + s] = j === i ? 0 : excess <= 0 ? 1 : Math.exp(-excess / sigma);
    }
  }

  // fuzzy union: index each directed edge, then combine it with its reverse
  const edgeOf = new Map<number, number>();
  for (let e = 0; e < n * k; e++) if (strengths[e] > 0) edgeOf.set(Math.floor(e / k) * n + indices[e], e);
  const heads: number[] = [];
  const tails: number[] = [];
  const weights: number[] = [];
  for (let e = 0; e < n * k; e++) {
    const w = strengths[e];
    if (w <= 0) continue;
    const i = Math.floor(e / k);
    const j = indices[e];
    const reverse = edgeOf.get(j * n + i);
    const w2 = reverse === undefined ? 0 : strengths[reverse];
    const union = w + w2 - w * w2;
    heads.push(i);
    tails.push(j);
    weights.push(union);
    if (reverse === undefined) {
      heads.push(j);
      tails.push(i);
      weights.push(union);
    }
  }
  return { heads: Int32Array.from(heads), tails: Int32Array.from(tails), weights: Float32Array.from(weights) };
}
