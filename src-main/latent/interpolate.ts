import type { RunModel } from '../engine/run-model.ts';
import type { Db } from '../store/open.ts';
import { codeOf, type RunCodes } from './codes.ts';
import { decodeImages, itemClasses, type Images } from './decode.ts';

export type InterpolationMethod = 'lerp' | 'slerp';

/** a + t (b - a) into `out`. */
export function lerp(a: ArrayLike<number>, b: ArrayLike<number>, t: number, out = new Float32Array(a.length)): Float32Array {
  for (let k = 0; k < a.length; k++) out[k] = a[k] + t * (b[k] - a[k]);
  return out;
}

/**
 * Spherical interpolation (White 2016, "Sampling Generative Networks"):
 * sin((1-t) w)/sin w * a + sin(t w)/sin w * b, w the angle between a and b.
 * Under a Gaussian prior, codes live near a shell; slerp follows it where
 * lerp cuts through the low-density middle. Falls back to lerp when a and b
 * are (anti)parallel or zero.
 */
export function slerp(a: ArrayLike<number>, b: ArrayLike<number>, t: number, out = new Float32Array(a.length)): Float32Array {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let k = 0; k < a.length; k++) {
    dot += a[k] * b[k];
    na += a[k] * a[k];
    nb += b[k] * b[k];
  }
  const cos = na > 0 && nb > 0 ? Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb))) : 1;
  const omega = Math.acos(cos);
  const sinOmega = Math.sin(omega);
  if (sinOmega < 1e-6) return lerp(a, b, t, out);
  const wa = Math.sin((1 - t) * omega) / sinOmega;
  const wb = Math.sin(t * omega) / sinOmega;
  for (let k = 0; k < a.length; k++) out[k] = wa * a[k] + wb * b[k];
  return out;
}

/** `steps` codes from a to b inclusive (steps >= 2), as a steps x D matrix. */
export function interpolationPath(a: ArrayLike<number>, b: ArrayLike<number>, steps: number, method: InterpolationMethod): Float32Array {
  if (!Number.isInteger(steps) || steps < 2) throw new RangeError(`an interpolation needs at least 2 steps, got ${steps}`);
  const d = a.length;
  const path = new Float32Array(steps * d);
  const step = method === 'slerp' ? slerp : lerp;
  for (let s = 0; s < steps; s++) step(a, b, s / (steps - 1), path.subarray(s * d, (s + 1) * d));
  // exact endpoints, whatever the rounding of the weights
  path.set(Float32Array.from(a), 0);
  path.set(Float32Array.from(b), (steps - 1) * d);
  return path;
}

export interface Interpolation extends Images {
  method: InterpolationMethod;
  codes: Float32Array;
}

/**
 * Decoded walk between two items' codes. Conditional models decode the first
 * half with the first item's label and the rest with the second's, so both
 * ends are the items' own reconstructions.
 */
export function interpolateItems(db: Db, model: RunModel, codes: RunCodes, fromItem: number, toItem: number, steps: number, method: InterpolationMethod): Interpolation {
  const path = interpolationPath(codeOf(codes, fromItem), codeOf(codes, toItem), steps, method);
  const ends = itemClasses(db, model, [fromItem, toItem]);
  const classes = ends ? Int32Array.from({ length: steps }, (_, s) => (s / (steps - 1) < 0.5 ? ends[0] : ends[1])) : undefined;
  return { method, codes: path, ...decodeImages(model, path, steps, classes) };
}
