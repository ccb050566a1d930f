import { findABParams } from 'umap-js/dist/umap.js';
import { knnGraph } from './knn-graph.ts';
import { pca3d } from './pca.ts';
import { seededRandom } from '../random.ts';
import { fuzzySimplicialSet } from './umap-graph.ts';
import { optimizeLayout3d } from './umap-layout.ts';

/** Everything that determines a UMAP layout; stored with the projection so it can be reproduced. */
export interface UmapParams {
  nNeighbors: number;
  minDist: number;
  spread: number;
  /** 0 picks umap-js's default: 500 epochs up to 2,500 points, stepping down to 200 above 7,500. */
  nEpochs: number;
  negativeSampleRate: number;
  seed: number;
}

export const defaultUmapParams: UmapParams = { nNeighbors: 15, minDist: 0.1, spread: 1, nEpochs: 0, negativeSampleRate: 5, seed: 42 };

export type UmapPhase = 'neighbours' | 'graph' | 'layout';
export type UmapProgress = (phase: UmapPhase, fraction: number) => void;

/**
 * UMAP of n x d rows to 3-D. The algorithm is umap-learn's; umap-js supplies
 * the curve fit (a, b), but its neighbour search, Map-based sparse matrices
 * and arrays-of-arrays layout take minutes at 70,000 points, so the kNN graph,
 * fuzzy set and layout run here on flat typed arrays. The layout starts from
 * the PCA projection (deterministic, keeps global structure). It is one long
 * computation: servers and apps run it on a worker thread (umap-thread.ts).
 */
export async function umap3d(data: Float32Array, n: number, d: number, params: UmapParams, onProgress: UmapProgress = () => {}): Promise<Float32Array> {
  const k = Math.min(params.nNeighbors, n - 1);
  if (k < 2) throw new Error(`UMAP needs at least 3 points, got ${n}`);
  const random = seededRandom(params.seed);
  const neighbours = knnGraph(data, n, d, k, { random, onProgress: (f) => onProgress('neighbours', f) });
  onProgress('graph', 0);
  const graph = fuzzySimplicialSet(neighbours, n, k);
  onProgress('graph', 1);

  const embedding = pca3d(data, n, d).coords;
  let largest = 0;
  for (const x of embedding) largest = Math.max(largest, Math.abs(x));
  for (let s = 0; s < embedding.length; s++) embedding[s] = (largest > 0 ? (embedding[s] / largest) * 10 : 0) + (random() - 0.5) * 1e-4 * 20;

  const { a, b } = findABParams(params.spread, params.minDist);
  const nEpochs = params.nEpochs || defaultEpochs(n);
  await optimizeLayout3d(embedding, n, graph, {
    a,
    b,
    nEpochs,
    negativeSampleRate: params.negativeSampleRate,
    random,
    onEpoch: (epoch) => onProgress('layout', epoch / nEpochs),
  });
  return embedding;
}

function defaultEpochs(n: number): number {
  if (n <= 2500) return 500;
  if (n <= 5000) return 400;
  if (n <= 7500) return 300;
  return 200;
}
