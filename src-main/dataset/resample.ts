/**
 * Resizes a small square image (uint8, channels interleaved) to another
 * square size with a triangle filter whose support widens on downscaling
 * (bilinear up, area-like down). Used for thumbnail tiles: thousands of
 * tiny images, where calling an image library per tile costs more than
 * the arithmetic.
 */
interface Weights {
  start: Int32Array;
  count: Int32Array;
  weights: Float32Array;
  taps: number;
}

const cache = new Map<string, Weights>();

function weightsFor(from: number, to: number): Weights {
  const key = `${from}>${to}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const scale = from / to;
  const support = Math.max(1, scale);
  const taps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(to);
  const count = new Int32Array(to);
  const weights = new Float32Array(to * taps);
  for (let o = 0; o < to; o++) {
    const centre = (o + 0.5) * scale;
    const lo = Math.max(0, Math.floor(centre - support));
    const hi = Math.min(from, Math.ceil(centre + support));
    let sum = 0;
    let n = 0;
    for (let s = lo; s < hi && n < taps; s++, n++) {
      const w = Math.max(0, 1 - Math.abs((s + 0.5 - centre) / support));
      weights[o * taps + n] = w;
      sum += w;
    }
    for (let k = 0; k < n; k++) weights[o * taps + k] /= sum || 1;
    start[o] = lo;
    count[o] = n;
  }
  const result = { start, count, weights, taps };
  cache.set(key, result);
  return result;
}

let scratch = new Float32Array(0);

/** Resizes src (from x from x channels) into dst at (x0, y0) of a canvas `stride` pixels wide, to x to pixels. */
export function resizeInto(
  src: Uint8Array,
  from: number,
  channels: number,
  to: number,
  dst: Uint8Array,
  stride: number,
  x0: number,
  y0: number,
): void {
  const { start, count, weights, taps } = weightsFor(from, to);
  const rowIn = from * channels;
  const rowOut = to * channels;
  if (scratch.length < from * rowOut) scratch = new Float32Array(from * rowOut);
  const horizontal = scratch;
  // horizontal pass: from rows of `to` pixels
  for (let o = 0; o < to; o++) {
    const n = count[o];
    const wBase = o * taps;
    const sBase = start[o] * channels;
    for (let y = 0; y < from; y++) {
      const inRow = y * rowIn + sBase;
      const outAt = y * rowOut + o * channels;
      for (let c = 0; c < channels; c++) {
        let acc = 0;
        for (let k = 0; k < n; k++) acc += weights[wBase + k] * src[inRow + k * channels + c];
        horizontal[outAt + c] = acc;
      }
    }
  }
  // vertical pass: each output row is a weighted sum of whole intermediate rows
  for (let o = 0; o < to; o++) {
    const n = count[o];
    const wBase = o * taps;
    const first = start[o] * rowOut;
    const outRow = ((y0 + o) * stride + x0) * channels;
    for (let x = 0; x < rowOut; x++) {
      let acc = 0;
      for (let k = 0; k < n; k++) acc += weights[wBase + k] * horizontal[first + k * rowOut + x];
      dst[outRow + x] = acc < 0 ? 0 : acc > 255 ? 255 : acc + 0.5;
    }
  }
}
