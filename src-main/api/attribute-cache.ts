import type { Db } from '../store/open.ts';
import { attributeVector, type AttributeVector } from '../latent/attributes.ts';
import type { RunCodes } from '../latent/codes.ts';
import { datasetOfRunWithShape } from '../store/runs.ts';
import { setsVersionOfRun } from '../store/sets.ts';

/**
 * Attribute vectors kept between calls, so dragging a strength slider does
 * not recompute a vector over every code on each move. They hang off the
 * codes object (loadRunCodes returns a new one when the codes change) and
 * are keyed by the dataset's update time, which a re-import changes, and by
 * the saved sets' versions (a set is an attribute too).
 */
const byCodes = new WeakMap<RunCodes, Map<string, AttributeVector>>();

export function cachedAttributeVector(db: Db, codes: RunCodes, name: string, balanced: string[] = []): AttributeVector {
  const datasetVersion = datasetOfRunWithShape(db, codes.runId)?.updatedAt;
  const key = JSON.stringify([name, [...balanced].sort(), datasetVersion, setsVersionOfRun(db, codes.runId)]);
  let vectors = byCodes.get(codes);
  if (!vectors) byCodes.set(codes, (vectors = new Map()));
  let vector = vectors.get(key);
  if (!vector) vectors.set(key, (vector = attributeVector(db, codes, name, balanced)));
  return vector;
}
