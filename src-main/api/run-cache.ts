import { loadRunModel, type RunModel } from '../engine/run-model.ts';
import { attributeVector, type AttributeVector } from '../latent/attributes.ts';
import { loadRunCodes, type RunCodes } from '../latent/codes.ts';
import { codesMarker } from '../store/embeddings.ts';
import type { Db } from '../store/open.ts';
import { runDataset } from '../store/runs.ts';
import { setsVersionOfRun } from '../store/sets.ts';
import { storedWeightsEpoch } from '../store/weights.ts';

/** How many runs' codes, and how many runs' models, stay loaded between calls. */
export const CACHED_RUNS = 2;

/** The most recently used entries, at most `capacity`; an entry pushed out or replaced goes to `evicted`. */
class Lru<V> {
  private readonly entries = new Map<string, V>();

  constructor(
    private readonly capacity: number,
    private readonly evicted: (value: V) => void = () => undefined,
  ) {}

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    const old = this.entries.get(key);
    this.entries.delete(key);
    if (old !== undefined && old !== value) this.evicted(old);
    this.entries.set(key, value);
    for (const [oldest, stale] of this.entries) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
      this.evicted(stale);
    }
  }

  delete(key: string): void {
    const value = this.entries.get(key);
    this.entries.delete(key);
    if (value !== undefined) this.evicted(value);
  }

  clear(): void {
    for (const key of [...this.entries.keys()]) this.delete(key);
  }
}

const disposeModel = (entry: { model: Promise<RunModel> }) => void entry.model.then((m) => m.dispose(), () => undefined);

/**
 * What the latent tools load per run, kept between API calls so that repeated
 * neighbour, decode or slider requests do not re-read 70,000 code blobs or
 * rebuild a model: the last few runs' codes (checked against a cheap marker
 * query, so a re-embedded run is read afresh), their models (keyed by the
 * saved epoch; tfjs tensors are freed when a model is evicted), and attribute
 * vectors. One per ApiContext; dispose() frees everything.
 */
export class RunCache {
  private readonly codes = new Lru<{ marker: string; codes: RunCodes }>(CACHED_RUNS * 2);
  private readonly models = new Lru<{ epoch: number; model: Promise<RunModel> }>(CACHED_RUNS, disposeModel);
  /**
   * Attribute vectors hang off the codes object (a new one when the codes change), keyed by
   * the dataset's update time, which a re-import changes, and the saved sets' versions (a set
   * is an attribute too); they go when their codes leave the cache.
   */
  private readonly vectors = new WeakMap<RunCodes, Map<string, AttributeVector>>();

  constructor(private readonly db: Db) {}

  /** A run's codes (with log-variances when asked); treat the arrays as read-only: they are shared. */
  codesOf(runId: number, options: { logvar?: boolean } = {}): RunCodes {
    const key = `${runId}#${options.logvar ? 'logvar' : 'code'}`;
    const marker = codesMarker(this.db, runId);
    const hit = this.codes.get(key);
    if (hit && hit.marker === marker) return hit.codes;
    const codes = loadRunCodes(this.db, runId, options);
    this.codes.set(key, { marker, codes });
    return codes;
  }

  /** A run's model at its latest save; a newer save replaces (and frees) the older model. Do not dispose it. */
  modelOf(runId: number): Promise<RunModel> {
    const key = String(runId);
    const epoch = storedWeightsEpoch(this.db, runId);
    const hit = this.models.get(key);
    if (hit && hit.epoch === epoch) return hit.model;
    const model = loadRunModel(this.db, runId);
    if (epoch === null) return model;
    const entry = { epoch, model };
    this.models.set(key, entry);
    model.catch(() => {
      if (this.models.get(key) === entry) this.models.delete(key);
    });
    return model;
  }

  /** An attribute's direction in the run's code space (balanced over the named attributes). */
  attributeVectorOf(codes: RunCodes, name: string, balanced: string[] = []): AttributeVector {
    const datasetVersion = runDataset(this.db, codes.runId)?.updatedAt;
    const key = JSON.stringify([name, [...balanced].sort(), datasetVersion, setsVersionOfRun(this.db, codes.runId)]);
    let vectors = this.vectors.get(codes);
    if (!vectors) this.vectors.set(codes, (vectors = new Map()));
    let vector = vectors.get(key);
    if (!vector) vectors.set(key, (vector = attributeVector(this.db, codes, name, balanced)));
    return vector;
  }

  dispose(): void {
    this.codes.clear();
    this.models.clear();
  }
}
