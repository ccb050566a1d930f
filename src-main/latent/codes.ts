import { UserError } from '../errors.ts';
import { codeCounts, iterateCodes } from '../store/embeddings.ts';
import type { Db } from '../store/open.ts';
import { runStatus } from '../store/runs.ts';

/** A run's stored codes, rows in item-id order. */
export interface RunCodes {
  runId: number;
  /** Item ids, ascending; row i of `codes` belongs to itemIds[i]. */
  itemIds: Int32Array;
  n: number;
  dim: number;
  /** n x dim, row-major (the mean for VAEs). */
  codes: Float32Array;
  /** n x dim log-variances (VAEs, when loaded with { logvar: true }), else null. */
  logvar: Float32Array | null;
}

/**
 * A run's codes (and log-variances when asked), copied from the float32
 * little-endian blobs straight into one matrix. The API keeps the last few
 * runs' codes (api/run-cache.ts); treat the arrays as read-only: they may be shared.
 */
export function loadRunCodes(db: Db, runId: number, options: { logvar?: boolean } = {}): RunCodes {
  const withLogvar = options.logvar ?? false;
  const { n, dimBytes, logvars } = codeCounts(db, runId);
  if (n === 0) {
    const status = runStatus(db, runId);
    if (!status) throw new UserError(`There is no run ${runId}; \`latent-lab runs\` lists them.`, 'not_found');
    throw new UserError(`Run ${runId} has no stored codes yet (status: ${status}); codes are written when training finishes.`, 'not_trained');
  }
  const dim = (dimBytes ?? 0) / 4;
  const itemIds = new Int32Array(n);
  const codes = new Float32Array(n * dim);
  const logvar = withLogvar && logvars === n ? new Float32Array(n * dim) : null;
  const codeBytes = new Uint8Array(codes.buffer);
  const logvarBytes = logvar ? new Uint8Array(logvar.buffer) : null;
  let i = 0;
  for (const [itemId, code, lv] of iterateCodes(db, runId, logvar !== null)) {
    if (code.length !== dim * 4) throw new Error(`run ${runId}: item ${itemId} has a ${code.length / 4}-D code, others ${dim}-D`);
    itemIds[i] = itemId;
    codeBytes.set(code, i * dim * 4);
    if (logvarBytes && lv) logvarBytes.set(lv, i * dim * 4);
    i++;
  }
  return { runId, itemIds, n, dim, codes, logvar };
}

/** Row of an item in `codes`, by binary search on the sorted ids; a UserError when the run has no code for it. */
export function rowOf(codes: RunCodes, itemId: number): number {
  let lo = 0;
  let hi = codes.n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = codes.itemIds[mid];
    if (at === itemId) return mid;
    if (at < itemId) lo = mid + 1;
    else hi = mid - 1;
  }
  throw new UserError(`Run ${codes.runId} has no code for item ${itemId} (it was missing or added after training).`, 'not_found');
}

/** A copy of one item's code. */
export function codeOf(codes: RunCodes, itemId: number): Float32Array {
  const row = rowOf(codes, itemId);
  return codes.codes.slice(row * codes.dim, (row + 1) * codes.dim);
}

/** 32-bit FNV-1a over each row's code words then its item id: stored with projections so a re-embedded run never shows a stale layout. */
export function codesFingerprint(codes: RunCodes): string {
  const words = new Uint32Array(codes.codes.buffer, codes.codes.byteOffset, codes.codes.length);
  let hash = 0x811c9dc5;
  for (let i = 0; i < codes.n; i++) hash = fnvRow(hash, words, i * codes.dim, codes.dim, codes.itemIds[i]);
  return hex(hash);
}

/** The same fingerprint, streamed from the store without holding the codes (for exports of any size). */
export function storedCodesFingerprint(db: Db, runId: number): string {
  let hash = 0x811c9dc5;
  for (const [itemId, code] of iterateCodes(db, runId, false)) {
    const words = new Uint32Array(code.length / 4);
    new Uint8Array(words.buffer).set(code);
    hash = fnvRow(hash, words, 0, words.length, itemId);
  }
  return hex(hash);
}

function fnvRow(hash: number, words: Uint32Array, start: number, length: number, itemId: number): number {
  for (let k = start; k < start + length; k++) hash = Math.imul(hash ^ words[k], 0x01000193);
  return Math.imul(hash ^ itemId, 0x01000193);
}

const hex = (hash: number) => (hash >>> 0).toString(16).padStart(8, '0');
