import { UserError } from '../errors.ts';
import { rowOf, type RunCodes } from './codes.ts';
import { exactNeighbours, type Metric } from './knn.ts';

export interface Neighbour {
  itemId: number;
  distance: number;
}

export type NeighbourQuery = { itemId: number } | { code: ArrayLike<number> };

/**
 * Exact k nearest items to an item's code (the item itself left out) or to
 * any code, closest first. Cosine distance is 1 - cos.
 */
export function nearestItems(codes: RunCodes, query: NeighbourQuery, k: number, metric: Metric = 'euclidean'): Neighbour[] {
  if (!Number.isInteger(k) || k < 1) throw new UserError(`k must be a positive whole number, got ${k}`);
  let target: ArrayLike<number>;
  const exclude = new Set<number>();
  if ('itemId' in query) {
    const row = rowOf(codes, query.itemId);
    target = codes.codes.subarray(row * codes.dim, (row + 1) * codes.dim);
    exclude.add(row);
  } else {
    if (query.code.length !== codes.dim) throw new UserError(`the code has ${query.code.length} values; run ${codes.runId} has ${codes.dim}-D codes`);
    target = query.code;
  }
  const found = exactNeighbours(codes.codes, codes.n, codes.dim, target, k, metric, exclude);
  return Array.from(found.indices, (row, s) => ({ itemId: codes.itemIds[row], distance: found.distances[s] }));
}
