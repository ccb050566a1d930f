/**
 * Nearest-neighbour search on row-major Float32Array matrices (n x d).
 * Exact search for single queries; an approximate all-points graph
 * (random-projection forest + NN-descent, as in pynndescent) for UMAP.
 */

export type Metric = 'euclidean' | 'cosine';

export interface Neighbours {
  indices: Int32Array;
  distances: Float32Array;
}

export function squaredDistance(data: Float32Array, i: number, j: number, d: number): number {
  let s = 0;
  const a = i * d;
  const b = j * d;
  for (let k = 0; k < d; k++) {
    const t = data[a + k] - data[b + k];
    s += t * t;
  }
  return s;
}

/** Copy of the rows scaled to unit length (zero rows stay zero), so euclidean order equals cosine order. */
export function unitRows(data: Float32Array, n: number, d: number): Float32Array {
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += data[i * d + k] ** 2;
    const scale = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let k = 0; k < d; k++) out[i * d + k] = data[i * d + k] * scale;
  }
  return out;
}

/**
 * Exact k nearest rows of `data` to `query`, closest first, ties broken by row
 * order. Euclidean distances, or cosine distances (1 - cos) for 'cosine'.
 * Rows listed in `exclude` are skipped.
 */
export function exactNeighbours(data: Float32Array, n: number, d: number, query: ArrayLike<number>, k: number, metric: Metric, exclude: ReadonlySet<number> = new Set()): Neighbours {
  const best = new BoundedList(Math.min(k, n));
  let queryNorm = 0;
  for (let c = 0; c < d; c++) queryNorm += query[c] * query[c];
  queryNorm = Math.sqrt(queryNorm);
  for (let i = 0; i < n; i++) {
    if (exclude.has(i)) continue;
    const base = i * d;
    let score = 0;
    if (metric === 'euclidean') {
      for (let c = 0; c < d; c++) {
        const t = data[base + c] - query[c];
        score += t * t;
      }
    } else {
      let dotProduct = 0;
      let rowNorm = 0;
      for (let c = 0; c < d; c++) {
        dotProduct += data[base + c] * query[c];
        rowNorm += data[base + c] * data[base + c];
      }
      const denominator = Math.sqrt(rowNorm) * queryNorm;
      score = denominator > 0 ? 1 - dotProduct / denominator : 1;
    }
    best.offer(i, score);
  }
  const { indices, keys } = best.sorted();
  const distances = metric === 'euclidean' ? keys.map(Math.sqrt) : keys;
  return { indices, distances };
}

/** The k smallest (index, key) pairs seen, kept sorted by key; ties keep the first offered. */
class BoundedList {
  private readonly indices: Int32Array;
  private readonly keys: Float32Array;
  private size = 0;
  constructor(private readonly capacity: number) {
    this.indices = new Int32Array(capacity);
    this.keys = new Float32Array(capacity);
  }
  offer(index: number, key: number): void {
    if (this.capacity === 0) return;
    if (this.size === this.capacity && key >= this.keys[this.size - 1]) return;
    let at = this.size < this.capacity ? this.size++ : this.size - 1;
    while (at > 0 && this.keys[at - 1] > key) {
      this.keys[at] = this.keys[at - 1];
      this.indices[at] = this.indices[at - 1];
      at--;
    }
    this.keys[at] = key;
    this.indices[at] = index;
  }
  sorted(): { indices: Int32Array; keys: Float32Array } {
    return { indices: this.indices.slice(0, this.size), keys: this.keys.slice(0, this.size) };
  }
}
