import { UserError } from '../errors.ts';
import { seededRandom } from '../random.ts';
import type { RunCodes } from './codes.ts';
import { knnGraph } from './knn-graph.ts';

export interface NeighbourAgreement {
  /** Items embedded by both runs, ascending. */
  itemIds: number[];
  /** Per item: the share of its k nearest neighbours in the first run's code space that are also among its k nearest in the second's. */
  agreement: Float32Array;
  mean: number;
}

/** The rows of `codes` for these (ascending) item ids, as one matrix. */
function rowsFor(codes: RunCodes, itemIds: number[]): Float32Array {
  const out = new Float32Array(itemIds.length * codes.dim);
  let row = 0;
  itemIds.forEach((id, i) => {
    while (codes.itemIds[row] < id) row++;
    out.set(codes.codes.subarray(row * codes.dim, (row + 1) * codes.dim), i * codes.dim);
  });
  return out;
}

/**
 * How much two runs agree on who is near whom: for every item both embed, the
 * overlap of its k nearest neighbours (euclidean, in each run's own code
 * space; exact below a few thousand items, else NN-descent). 1 means the same
 * neighbourhood, about k/n what chance gives.
 */
export function neighbourAgreement(a: RunCodes, b: RunCodes, k: number): NeighbourAgreement {
  const inB = new Set(b.itemIds);
  const itemIds = Array.from(a.itemIds).filter((id) => inB.has(id));
  const n = itemIds.length;
  if (n <= k) throw new UserError(`neighbour agreement with k = ${k} needs more than ${k} items embedded by both runs; they share ${n}`, 'invalid_input');
  const graph = (codes: RunCodes) => knnGraph(rowsFor(codes, itemIds), n, codes.dim, k + 1, { random: seededRandom(1) }).indices;
  const [na, nb] = [graph(a), graph(b)];
  const agreement = new Float32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const mine = new Set<number>();
    for (let j = 1; j <= k; j++) mine.add(na[i * (k + 1) + j]); // slot 0 is the item itself
    let shared = 0;
    for (let j = 1; j <= k; j++) if (mine.has(nb[i * (k + 1) + j])) shared++;
    agreement[i] = shared / k;
    sum += agreement[i];
  }
  return { itemIds, agreement, mean: sum / n };
}
