/**
 * Rows of an n x dim code matrix that are exactly equal (bit for bit).
 * Identical codes come from identical inputs (images that became the same
 * array on import, true duplicates in a folder) and from collapsed models.
 */
export interface IdenticalCodes {
  /** Row indices of the first row of each distinct code, in order. */
  distinct: Int32Array;
  /** For every row, the index into `distinct` of its code. */
  groupOf: Int32Array;
  /** Rows whose code another row also has. */
  sharing: number;
  /** Rows in the largest group of one code (1 when all differ). */
  largestGroup: number;
}

export function identicalCodes(codes: Float32Array, n: number, dim: number): IdenticalCodes {
  const bytes = Buffer.from(codes.buffer, codes.byteOffset, n * dim * 4);
  const groupByKey = new Map<string, number>();
  const groupOf = new Int32Array(n);
  const distinct: number[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < n; i++) {
    const key = bytes.toString('latin1', i * dim * 4, (i + 1) * dim * 4);
    let group = groupByKey.get(key);
    if (group === undefined) {
      group = distinct.length;
      groupByKey.set(key, group);
      distinct.push(i);
      sizes.push(0);
    }
    sizes[group]++;
    groupOf[i] = group;
  }
  const sharing = sizes.reduce((sum, size) => sum + (size > 1 ? size : 0), 0);
  return { distinct: Int32Array.from(distinct), groupOf, sharing, largestGroup: sizes.reduce((a, b) => Math.max(a, b), 0) };
}

/** The rows of `distinct`, as a new (distinct x dim) matrix. */
export function pickRows(codes: Float32Array, dim: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((row, k) => out.set(codes.subarray(row * dim, (row + 1) * dim), k * dim));
  return out;
}

/** 3-D coordinates of the distinct codes spread back to every row: duplicates sit on their code's spot. */
export function spreadCoords(distinctCoords: Float32Array, groupOf: Int32Array): Float32Array {
  const coords = new Float32Array(groupOf.length * 3);
  groupOf.forEach((group, i) => coords.set(distinctCoords.subarray(group * 3, group * 3 + 3), i * 3));
  return coords;
}
