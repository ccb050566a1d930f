import { attributeVector, type AttributeVector } from '../latent/attributes.ts';
import { loadRunCodes, type RunCodes } from '../latent/codes.ts';
import type { ApiContext } from './context.ts';

/**
 * A run's codes and attribute vectors, kept between calls so that dragging a
 * slider does not reload every code from SQLite each time. An entry is valid
 * while the run's row and its number of stored codes are unchanged (training
 * or resuming a run rewrites both).
 */
interface Entry {
  version: string;
  codes: RunCodes;
  vectors: Map<string, AttributeVector>;
}

const MAX_RUNS = 4;
const caches = new WeakMap<ApiContext, Map<number, Entry>>();

function entryFor(ctx: ApiContext, runId: number): Entry {
  let runs = caches.get(ctx);
  if (!runs) caches.set(ctx, (runs = new Map()));
  const version = ctx.db
    .prepare("SELECT r.updated_at || '#' || (SELECT count(*) FROM embeddings e WHERE e.run_id = r.id) FROM runs r WHERE r.id = ?")
    .pluck()
    .get(runId) as string | undefined;
  const cached = runs.get(runId);
  if (cached && version !== undefined && cached.version === version) {
    // Most recently used last, so the oldest is dropped first.
    runs.delete(runId);
    runs.set(runId, cached);
    return cached;
  }
  const entry: Entry = { version: version ?? '', codes: loadRunCodes(ctx.db, runId), vectors: new Map() };
  runs.set(runId, entry);
  if (runs.size > MAX_RUNS) runs.delete(runs.keys().next().value!);
  return entry;
}

export function cachedCodes(ctx: ApiContext, runId: number): RunCodes {
  return entryFor(ctx, runId).codes;
}

export function cachedAttributeVector(ctx: ApiContext, runId: number, name: string, balanced: string[] = []): AttributeVector {
  const entry = entryFor(ctx, runId);
  const key = JSON.stringify([name, [...balanced].sort()]);
  let vector = entry.vectors.get(key);
  if (!vector) entry.vectors.set(key, (vector = attributeVector(ctx.db, entry.codes, name, balanced)));
  return vector;
}
