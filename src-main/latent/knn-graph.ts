import { squaredDistance, type Neighbours } from './knn.ts';

/**
 * k-nearest-neighbour graph of all rows (each row's own index first, at
 * distance 0), euclidean. Small inputs are searched exactly; larger ones with
 * a random-projection forest refined by NN-descent (Dong et al. 2011, the
 * scheme pynndescent and umap-learn use), on flat typed arrays so that
 * 70,000 points take seconds rather than umap-js's built-in minutes.
 */
export interface KnnGraphOptions {
  random: () => number;
  /** Below this many rows the graph is exact (brute force). */
  exactBelow?: number;
  trees?: number;
  leafSize?: number;
  maxIterations?: number;
  onProgress?: (fraction: number) => void;
}

export function knnGraph(data: Float32Array, n: number, d: number, k: number, options: KnnGraphOptions): Neighbours {
  if (k > n) throw new Error(`cannot find ${k} neighbours among ${n} points`);
  const heaps = new NeighbourHeaps(n, k);
  for (let i = 0; i < n; i++) heaps.push(i, i, 0);
  if (n < (options.exactBelow ?? 4000)) {
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const dist = squaredDistance(data, i, j, d);
        heaps.push(i, j, dist);
        heaps.push(j, i, dist);
      }
      if (options.onProgress && i % 256 === 0) options.onProgress(i / n);
    }
  } else {
    const trees = options.trees ?? 8;
    const leafSize = options.leafSize ?? Math.max(32, 2 * k);
    for (let t = 0; t < trees; t++) {
      for (const leaf of randomProjectionLeaves(data, n, d, leafSize, options.random)) {
        for (let a = 0; a < leaf.length; a++) {
          for (let b = a + 1; b < leaf.length; b++) {
            const dist = squaredDistance(data, leaf[a], leaf[b], d);
            heaps.push(leaf[a], leaf[b], dist);
            heaps.push(leaf[b], leaf[a], dist);
          }
        }
      }
      options.onProgress?.(((t + 1) / trees) * 0.4);
    }
    const maxIterations = options.maxIterations ?? 8;
    for (let iteration = 0; iteration < maxIterations; iteration++) {
      const updates = nnDescentRound(data, d, heaps, k, options.random);
      options.onProgress?.(0.4 + ((iteration + 1) / maxIterations) * 0.6);
      if (updates < 0.001 * n * k) break;
    }
  }
  options.onProgress?.(1);
  return heaps.sortedNeighbours();
}

/** Per-row bounded max-heaps of (index, squared distance), with an is-new flag per slot for NN-descent. */
class NeighbourHeaps {
  readonly indices: Int32Array;
  readonly distances: Float32Array;
  readonly isNew: Uint8Array;
  constructor(
    readonly n: number,
    readonly k: number,
  ) {
    this.indices = new Int32Array(n * k).fill(-1);
    this.distances = new Float32Array(n * k).fill(Infinity);
    this.isNew = new Uint8Array(n * k);
  }

  /** Offers j as a neighbour of row i; returns 1 if kept. */
  push(i: number, j: number, dist: number): number {
    const base = i * this.k;
    const { indices, distances, k } = this;
    if (dist >= distances[base]) return 0;
    for (let s = 0; s < k; s++) if (indices[base + s] === j) return 0;
    // replace the root (the worst) and sift down
    let pos = 0;
    while (true) {
      const left = 2 * pos + 1;
      if (left >= k) break;
      const right = left + 1;
      const child = right < k && distances[base + right] > distances[base + left] ? right : left;
      if (distances[base + child] <= dist) break;
      distances[base + pos] = distances[base + child];
      indices[base + pos] = indices[base + child];
      this.isNew[base + pos] = this.isNew[base + child];
      pos = child;
    }
    distances[base + pos] = dist;
    indices[base + pos] = j;
    this.isNew[base + pos] = 1;
    return 1;
  }

  sortedNeighbours(): Neighbours {
    const { n, k } = this;
    const indices = new Int32Array(n * k);
    const distances = new Float32Array(n * k);
    const order = Array.from({ length: k }, (_, s) => s);
    for (let i = 0; i < n; i++) {
      const base = i * k;
      order.sort((a, b) => this.distances[base + a] - this.distances[base + b] || (this.indices[base + a] === i ? -1 : this.indices[base + b] === i ? 1 : 0));
      for (let s = 0; s < k; s++) {
        indices[base + s] = this.indices[base + order[s]];
        distances[base + s] = Math.sqrt(this.distances[base + order[s]]);
      }
    }
    return { indices, distances };
  }
}

/** Leaves of one random-projection tree: each split is the hyperplane halfway between two random points. */
function randomProjectionLeaves(data: Float32Array, n: number, d: number, leafSize: number, random: () => number): Int32Array[] {
  const leaves: Int32Array[] = [];
  const stack: Int32Array[] = [Int32Array.from({ length: n }, (_, i) => i)];
  const normal = new Float64Array(d);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.length <= leafSize) {
      leaves.push(node);
      continue;
    }
    const a = node[Math.floor(random() * node.length)];
    let b = node[Math.floor(random() * node.length)];
    if (a === b) b = node[(node.indexOf(a) + 1) % node.length];
    let offset = 0;
    for (let c = 0; c < d; c++) {
      normal[c] = data[a * d + c] - data[b * d + c];
      offset += (normal[c] * (data[a * d + c] + data[b * d + c])) / 2;
    }
    const side = new Uint8Array(node.length);
    let leftCount = 0;
    for (let t = 0; t < node.length; t++) {
      let s = -offset;
      const base = node[t] * d;
      for (let c = 0; c < d; c++) s += normal[c] * data[base + c];
      side[t] = s > 0 || (s === 0 && random() < 0.5) ? 1 : 0;
      leftCount += side[t];
    }
    if (leftCount === 0 || leftCount === node.length) {
      // duplicates or a degenerate plane: split at random
      leftCount = 0;
      for (let t = 0; t < node.length; t++) leftCount += side[t] = random() < 0.5 ? 1 : 0;
    }
    const left = new Int32Array(leftCount);
    const right = new Int32Array(node.length - leftCount);
    let l = 0;
    let r = 0;
    for (let t = 0; t < node.length; t++) {
      if (side[t]) left[l++] = node[t];
      else right[r++] = node[t];
    }
    stack.push(left, right);
  }
  return leaves;
}

/** One NN-descent round: compares every pair of sampled neighbours-of-a-point, at least one of them new. Returns how many heap entries changed. */
function nnDescentRound(data: Float32Array, d: number, heaps: NeighbourHeaps, k: number, random: () => number): number {
  const { n } = heaps;
  const maxCandidates = k;
  const newCandidates = new Int32Array(n * maxCandidates).fill(-1);
  const oldCandidates = new Int32Array(n * maxCandidates).fill(-1);
  const newSeen = new Int32Array(n);
  const oldSeen = new Int32Array(n);
  // reservoir sampling keeps each candidate list a uniform sample of bounded size
  const add = (lists: Int32Array, seen: Int32Array, row: number, value: number) => {
    const base = row * maxCandidates;
    for (let s = 0; s < Math.min(seen[row], maxCandidates); s++) if (lists[base + s] === value) return;
    const count = ++seen[row];
    if (count <= maxCandidates) lists[base + count - 1] = value;
    else {
      const slot = Math.floor(random() * count);
      if (slot < maxCandidates) lists[base + slot] = value;
    }
  };
  for (let i = 0; i < n; i++) {
    for (let s = 0; s < k; s++) {
      const j = heaps.indices[i * k + s];
      if (j < 0 || j === i) continue;
      if (heaps.isNew[i * k + s]) {
        add(newCandidates, newSeen, i, j);
        add(newCandidates, newSeen, j, i);
      } else {
        add(oldCandidates, oldSeen, i, j);
        add(oldCandidates, oldSeen, j, i);
      }
    }
  }
  // sampled new candidates become old
  for (let i = 0; i < n; i++) {
    for (let s = 0; s < k; s++) {
      const slot = i * k + s;
      if (!heaps.isNew[slot]) continue;
      const j = heaps.indices[slot];
      const base = i * maxCandidates;
      for (let c = 0; c < Math.min(newSeen[i], maxCandidates); c++) {
        if (newCandidates[base + c] === j) {
          heaps.isNew[slot] = 0;
          break;
        }
      }
    }
  }
  let updates = 0;
  for (let i = 0; i < n; i++) {
    const base = i * maxCandidates;
    const newCount = Math.min(newSeen[i], maxCandidates);
    const oldCount = Math.min(oldSeen[i], maxCandidates);
    for (let a = 0; a < newCount; a++) {
      const p = newCandidates[base + a];
      for (let b = a + 1; b < newCount; b++) {
        const q = newCandidates[base + b];
        const dist = squaredDistance(data, p, q, d);
        updates += heaps.push(p, q, dist) + heaps.push(q, p, dist);
      }
      for (let b = 0; b < oldCount; b++) {
        const q = oldCandidates[base + b];
        if (q === p) continue;
        const dist = squaredDistance(data, p, q, d);
        updates += heaps.push(p, q, dist) + heaps.push(q, p, dist);
      }
    }
  }
  return updates;
}
