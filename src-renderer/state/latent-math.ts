/** Linear interpolation between two codes. */
export function lerp(a: number[], b: number[], t: number): number[] {
  return a.map((v, k) => v + (b[k] - v) * t);
}

/**
 * Spherical interpolation (White, "Sampling Generative Networks", 2016): follows
 * the great circle between the codes, so points on the way keep a typical norm.
 * Falls back to lerp when the codes are (anti)parallel.
 */
export function slerp(a: number[], b: number[], t: number): number[] {
  const na = Math.hypot(...a);
  const nb = Math.hypot(...b);
  if (na === 0 || nb === 0) return lerp(a, b, t);
  let dot = 0;
  for (let k = 0; k < a.length; k++) dot += (a[k] / na) * (b[k] / nb);
  const omega = Math.acos(Math.min(1, Math.max(-1, dot)));
  const so = Math.sin(omega);
  if (so < 1e-6) return lerp(a, b, t);
  const wa = Math.sin((1 - t) * omega) / so;
  const wb = Math.sin(t * omega) / so;
  return a.map((v, k) => wa * v + wb * b[k]);
}
