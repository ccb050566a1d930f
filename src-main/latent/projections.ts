import { UserError } from '../errors.ts';
import type { Db } from '../store/open.ts';
import { deleteProjection, projectionParams, readProjection, writeProjection } from '../store/projections.ts';
import { blobOf, float32FromBlob, int32FromBlob } from './blobs.ts';
import { codesFingerprint, loadRunCodes, type RunCodes } from './codes.ts';
import { identicalCodes, pickRows, spreadCoords, type IdenticalCodes } from './identical-codes.ts';
import { pca3d } from './pca.ts';
import { defaultUmapParams, type UmapParams, type UmapProgress } from './umap.ts';
import { umap3dInWorker } from './umap-thread.ts';

export type ProjectionMethod = 'pca' | 'umap' | 'raw';

export type ProjectionRequest =
  | { method: 'pca' }
  /** Which latent dimensions become x, y, z (default 0, 1, 2); a 2-D latent gets z = 0. */
  | { method: 'raw'; dims?: number[] }
  | { method: 'umap'; params?: Partial<UmapParams> };

export interface StoredLayout {
  runId: number;
  method: ProjectionMethod;
  /** Everything that determined the coordinates, including a fingerprint of the codes. */
  params: Record<string, unknown>;
  itemIds: Int32Array;
  /** x, y, z per item, parallel to itemIds. */
  coords: Float32Array;
  /** True when read back from the store rather than computed now. */
  cached: boolean;
}

export interface StoredProjection extends StoredLayout {
  /** Items whose code is exactly another item's, and the largest such group. */
  sharedCodes: { items: number; largestGroup: number };
}

export interface ProjectionOptions {
  onProgress?: UmapProgress;
  /** Codes already loaded by the caller. */
  codes?: RunCodes;
  /** Stops a UMAP in progress (its worker thread is terminated and nothing is stored). */
  signal?: AbortSignal;
}

/** JSON with object keys sorted at every level, so equal parameters always give the same key. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

function resolveParams(request: ProjectionRequest, codes: RunCodes): Record<string, unknown> {
  const base = { codes: codesFingerprint(codes) };
  if (request.method === 'pca') return base;
  if (request.method === 'raw') return { ...base, dims: rawDims(request.dims, codes.dim) };
  const params: UmapParams = { ...defaultUmapParams, ...definedOnly(request.params ?? {}) };
  // identical codes are laid out once (see umapOfDistinct); the key keeps layouts made before that from being reused
  return { ...base, ...params, identical: 'one-spot' };
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The three latent dimensions shown; null stands for a constant 0 (latents with fewer than three dimensions). */
function rawDims(requested: number[] | undefined, dim: number): (number | null)[] {
  const dims = requested ?? [0, 1, 2].filter((d) => d < dim);
  if (dims.length > 3) throw new UserError(`pick at most three dimensions for a raw projection, got ${dims.length}`);
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d >= dim) throw new UserError(`latent dimension ${d} does not exist: this run's codes have dimensions 0..${dim - 1}`);
  }
  return [0, 1, 2].map((axis) => (axis < dims.length ? dims[axis] : null));
}

function rawProjection(codes: RunCodes, dims: (number | null)[]): Float32Array {
  const coords = new Float32Array(codes.n * 3);
  for (let i = 0; i < codes.n; i++) {
    for (let axis = 0; axis < 3; axis++) {
      const d = dims[axis];
      if (d !== null) coords[i * 3 + axis] = codes.codes[i * codes.dim + d];
    }
  }
  return coords;
}

/** A stored projection with exactly these parameters, or null. */
export function readStoredProjection(db: Db, runId: number, method: ProjectionMethod, params: Record<string, unknown>): StoredLayout | null {
  const row = readProjection(db, runId, method, canonicalJson(params));
  return row ? { runId, method, params, itemIds: int32FromBlob(row.itemIds), coords: float32FromBlob(row.coords), cached: true } : null;
}

/**
 * UMAP of the distinct codes only, duplicates then put on their code's spot.
 * Fed identical rows, UMAP links each to its copies at distance 0, and the
 * layout pulls every group into a tight, separate blob: structure that is
 * not in the data. Laying out each code once avoids that.
 */
async function umapOfDistinct(codes: RunCodes, identical: IdenticalCodes, runId: number, params: UmapParams, options: ProjectionOptions): Promise<Float32Array> {
  const n = identical.distinct.length;
  if (n < 3) throw new UserError(`UMAP needs at least 3 different codes; run ${runId} has ${n} among its ${codes.n} items (the rest are exact copies).`);
  if (n === codes.n) return umap3dInWorker(codes.codes, codes.n, codes.dim, params, options);
  const layout = await umap3dInWorker(pickRows(codes.codes, codes.dim, identical.distinct), n, codes.dim, params, options);
  return spreadCoords(layout, identical.groupOf);
}

/**
 * A run's 3-D projection: read from the projections table when one with the
 * same method and parameters (and the same codes) exists, else computed and
 * stored, so reopening a run is instant.
 */
export async function getProjection(db: Db, runId: number, request: ProjectionRequest, options: ProjectionOptions = {}): Promise<StoredProjection> {
  const codes = options.codes ?? loadRunCodes(db, runId);
  const params = resolveParams(request, codes);
  const identical = identicalCodes(codes.codes, codes.n, codes.dim);
  const sharedCodes = { items: identical.sharing, largestGroup: identical.largestGroup };
  const stored = readStoredProjection(db, runId, request.method, params);
  if (stored) return { ...stored, sharedCodes };

  let coords: Float32Array;
  if (request.method === 'pca') coords = pca3d(codes.codes, codes.n, codes.dim).coords;
  else if (request.method === 'raw') coords = rawProjection(codes, params.dims as (number | null)[]);
  else coords = await umapOfDistinct(codes, identical, runId, params as unknown as UmapParams, options);
  writeProjection(db, runId, request.method, canonicalJson(params), { itemIds: blobOf(codes.itemIds), coords: blobOf(coords) });
  // older layouts of the same method for codes that no longer exist are dead weight
  for (const stale of projectionParams(db, runId, request.method)) {
    if ((JSON.parse(stale.params) as { codes?: string }).codes !== params.codes) deleteProjection(db, stale.id);
  }
  return { runId, method: request.method, params, itemIds: codes.itemIds, coords, cached: false, sharedCodes };
}
