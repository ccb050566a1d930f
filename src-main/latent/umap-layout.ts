import type { WeightedEdges } from './umap-graph.ts';

export interface LayoutOptions {
  a: number;
  b: number;
  nEpochs: number;
  negativeSampleRate: number;
  random: () => number;
  onEpoch?: (epoch: number) => void | Promise<void>;
}

const clip = (x: number) => (x > 4 ? 4 : x < -4 ? -4 : x);

/**
 * UMAP's stochastic layout optimisation in 3-D (umap-learn's
 * optimize_layout_euclidean): edges are sampled in proportion to their
 * weight, pulled together by the attractive gradient, and each pull is paired
 * with negativeSampleRate random repulsions. Works in place on `embedding`
 * (n x 3, row-major). Hand-unrolled for three dimensions, float32 state (half the
 * cache footprint of the random reads), a multiply for the random index and
 * exp(b log x) for x^b (twice as fast as Math.pow in V8): this loop is most of
 * UMAP's time.
 */
export async function optimizeLayout3d(embedding: Float32Array, n: number, graph: WeightedEdges, options: LayoutOptions): Promise<void> {
  const { a, b, nEpochs, negativeSampleRate } = options;
  const { heads, tails, weights } = graph;
  let maxWeight = 0;
  for (const w of weights) maxWeight = Math.max(maxWeight, w);
  // edges too weak to be sampled once in nEpochs are dropped, as umap-learn does
  const kept: number[] = [];
  for (let e = 0; e < weights.length; e++) if (weights[e] >= maxWeight / nEpochs) kept.push(e);
  const m = kept.length;
  const head = new Int32Array(m);
  const tail = new Int32Array(m);
  const epochsPerSample = new Float64Array(m);
  kept.forEach((e, s) => {
    head[s] = heads[e] * 3;
    tail[s] = tails[e] * 3;
    epochsPerSample[s] = maxWeight / weights[e];
  });
  const epochsPerNegativeSample = epochsPerSample.map((x) => x / negativeSampleRate);
  const nextSample = Float64Array.from(epochsPerSample);
  const nextNegativeSample = Float64Array.from(epochsPerNegativeSample);
  const y = embedding;
  const toIndex = n / 4294967296;
  // xorshift32 seeded from the caller's generator: the negative-sample draw is the hottest call
  let state = Math.floor(options.random() * 0xffffffff) | 1;

  for (let epoch = 0; epoch < nEpochs; epoch++) {
    const alpha = 1 - epoch / nEpochs;
    for (let s = 0; s < m; s++) {
      if (nextSample[s] > epoch) continue;
      const j = head[s];
      const k = tail[s];
      let dx = y[j] - y[k];
      let dy = y[j + 1] - y[k + 1];
      let dz = y[j + 2] - y[k + 2];
      const dist2 = dx * dx + dy * dy + dz * dz;
      if (dist2 > 0) {
        const powB = Math.exp(b * Math.log(dist2));
        const coefficient = (-2 * a * b * powB) / dist2 / (a * powB + 1);
        const gx = clip(coefficient * dx) * alpha;
        const gy = clip(coefficient * dy) * alpha;
        const gz = clip(coefficient * dz) * alpha;
        y[j] += gx;
        y[j + 1] += gy;
        y[j + 2] += gz;
        y[k] -= gx;
        y[k + 1] -= gy;
        y[k + 2] -= gz;
      }
      nextSample[s] += epochsPerSample[s];
      const negatives = Math.floor((epoch - nextNegativeSample[s]) / epochsPerNegativeSample[s]);
      for (let p = 0; p < negatives; p++) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        const other = Math.floor((state >>> 0) * toIndex) * 3;
        if (other === j) continue;
        dx = y[j] - y[other];
        dy = y[j + 1] - y[other + 1];
        dz = y[j + 2] - y[other + 2];
        const d2 = dx * dx + dy * dy + dz * dz;
        if (d2 > 0) {
          const coefficient = (2 * b) / ((0.001 + d2) * (a * Math.exp(b * Math.log(d2)) + 1));
          y[j] += clip(coefficient * dx) * alpha;
          y[j + 1] += clip(coefficient * dy) * alpha;
          y[j + 2] += clip(coefficient * dz) * alpha;
        } else {
          y[j] += 4 * alpha;
          y[j + 1] += 4 * alpha;
          y[j + 2] += 4 * alpha;
        }
      }
      nextNegativeSample[s] += negatives * epochsPerNegativeSample[s];
    }
    await options.onEpoch?.(epoch + 1);
  }
}
