import type { QualityFeatures } from '../store/items.ts';
import type { PixelShape } from './pixel-cache.ts';

/** Small per-image summaries computed from decoded pixels (uint8, channels interleaved). */

/** Luma in [0, 255] of each pixel (Rec. 601 weights; grey images as they are). */
export function luma(pixels: Uint8Array, shape: PixelShape): Float32Array {
  const n = shape.size * shape.size;
  if (shape.channels === 1) return Float32Array.from(pixels.subarray(0, n));
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = 0.299 * pixels[3 * i] + 0.587 * pixels[3 * i + 1] + 0.114 * pixels[3 * i + 2];
  return out;
}

/** Spread, 1st and 99th percentiles, histogram entropy and sharpness of one image's luma. */
export function pixelFeatures(pixels: Uint8Array, shape: PixelShape): QualityFeatures {
  const grey = luma(pixels, shape);
  const n = grey.length;
  const histogram = new Float64Array(256);
  let sum = 0;
  let squares = 0;
  for (const v of grey) {
    histogram[Math.min(255, Math.round(v))]++;
    sum += v;
    squares += v * v;
  }
  const mean = sum / n;
  let entropy = 0;
  for (const count of histogram) if (count) entropy -= (count / n) * Math.log2(count / n);
  const percentile = (p: number) => {
    let seen = 0;
    for (let level = 0; level < 256; level++) if ((seen += histogram[level]) >= p * n) return level;
    return 255;
  };
  const size = shape.size;
  let lapSum = 0;
  let lapSquares = 0;
  let count = 0;
  for (let y = 1; y < size - 1; y++) {
    for (let x = 1; x < size - 1; x++) {
      const i = y * size + x;
      const lap = grey[i - 1] + grey[i + 1] + grey[i - size] + grey[i + size] - 4 * grey[i];
      lapSum += lap;
      lapSquares += lap * lap;
      count++;
    }
  }
  const lapVariance = count ? lapSquares / count - (lapSum / count) ** 2 : 0;
  return { std: Math.sqrt(Math.max(0, squares / n - mean * mean)), p01: percentile(0.01), p99: percentile(0.99), entropy, sharpness: Math.log(lapVariance + 1) };
}

/** Box-averages a size x size grey image down to w x h (area weights, so any size maps cleanly). */
function shrink(grey: Float32Array, size: number, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  const weights = new Float32Array(w * h);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // each source pixel adds to the cell(s) its area falls in; splitting at cell edges keeps small images honest
      const x0 = (x * w) / size;
      const x1 = ((x + 1) * w) / size;
      const y0 = (y * h) / size;
      const y1 = ((y + 1) * h) / size;
      for (let cy = Math.floor(y0); cy < Math.min(h, Math.ceil(y1)); cy++) {
        const fy = Math.min(y1, cy + 1) - Math.max(y0, cy);
        for (let cx = Math.floor(x0); cx < Math.min(w, Math.ceil(x1)); cx++) {
          const f = fy * (Math.min(x1, cx + 1) - Math.max(x0, cx));
          out[cy * w + cx] += f * grey[y * size + x];
          weights[cy * w + cx] += f;
        }
      }
    }
  }
  for (let i = 0; i < out.length; i++) out[i] /= weights[i];
  return out;
}

/** Frequencies kept on each axis (-F..F) by the shift-invariant fingerprint. */
const FREQUENCIES = 4;
export const FINGERPRINT_LENGTH = (2 * FREQUENCIES + 1) ** 2;

/**
 * A fingerprint that ignores where the object sits: the magnitudes of the
 * lowest 2-D Fourier frequencies of the grey image (a shift only changes
 * their phases), mean-removed and scaled to unit length. Shifted, resampled
 * and re-encoded copies land among each other's nearest neighbours in it.
 */
export function shiftInvariantFingerprint(grey: Float32Array, size: number): Float32Array {
  const side = 2 * FREQUENCIES + 1;
  const rowRe = new Float64Array(size * side);
  const rowIm = new Float64Array(size * side);
  for (let y = 0; y < size; y++) {
    for (let u = 0; u < side; u++) {
      const w = (-2 * Math.PI * (u - FREQUENCIES)) / size;
      let re = 0;
      let im = 0;
      for (let x = 0; x < size; x++) {
        const v = grey[y * size + x] / 255;
        re += v * Math.cos(w * x);
        im += v * Math.sin(w * x);
      }
      rowRe[y * side + u] = re;
      rowIm[y * side + u] = im;
    }
  }
  const out = new Float32Array(side * side);
  for (let f = 0; f < side; f++) {
    const w = (-2 * Math.PI * (f - FREQUENCIES)) / size;
    for (let u = 0; u < side; u++) {
      let re = 0;
      let im = 0;
      for (let y = 0; y < size; y++) {
        const [c, s] = [Math.cos(w * y), Math.sin(w * y)];
        const [a, b] = [rowRe[y * side + u], rowIm[y * side + u]];
        re += a * c - b * s;
        im += a * s + b * c;
      }
      out[f * side + u] = Math.hypot(re, im) / (size * size);
    }
  }
  return unitLength(out);
}

function unitLength(values: Float32Array): Float32Array {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  let norm = 0;
  for (let i = 0; i < values.length; i++) norm += (values[i] -= mean) ** 2;
  norm = Math.sqrt(norm) || 1;
  return values.map((v) => v / norm);
}

/** Side of the images compared pixel by pixel when checking a near-duplicate pair. */
export const COMPARED_SIDE = 28;

/** The grey image at COMPARED_SIDE px (area-averaged when larger), in [0, 1]: what near-duplicate checks compare. */
export function comparable(grey: Float32Array, size: number): Float32Array {
  const side = Math.min(size, COMPARED_SIDE);
  const small = side === size ? grey : shrink(grey, size, side, side);
  return small.map((v) => v / 255);
}

/** Convolves with a separable kernel (edges repeat), offset so that kernel[centre] sits on the pixel. */
function convolve(image: Float32Array, side: number, kernel: number[], centre: number, axis: 'x' | 'y'): Float32Array {
  const out = new Float32Array(side * side);
  // plain loops: this runs for every candidate pair of a near-duplicate search
  const [step, lineStep] = axis === 'x' ? [1, side] : [side, 1];
  for (let line = 0; line < side; line++) {
    for (let at = 0; at < side; at++) {
      let sum = 0;
      for (let k = 0; k < kernel.length; k++) {
        const from = Math.min(side - 1, Math.max(0, at + k - centre));
        sum += kernel[k] * image[line * lineStep + from * step];
      }
      out[line * lineStep + at * step] = sum;
    }
  }
  return out;
}

const BINOMIAL = [0.25, 0.5, 0.25];
const HALF = [0.5, 0.5];

/**
 * What a resampled copy of an image may look like: itself, blurred (lost
 * detail) and moved by half a pixel on either axis (resizers disagree on
 * pixel centres). The sharper image of a pair is compared in each of these.
 */
function resampledVariants(image: Float32Array, side: number): Float32Array[] {
  const blurred = convolve(convolve(image, side, BINOMIAL, 1, 'x'), side, BINOMIAL, 1, 'y');
  const variants = [image, blurred, convolve(convolve(blurred, side, BINOMIAL, 1, 'x'), side, BINOMIAL, 1, 'y')];
  for (const base of [image, blurred]) {
    for (const centre of [0, 1]) {
      const x = convolve(base, side, HALF, centre, 'x');
      variants.push(x, convolve(base, side, HALF, centre, 'y'), convolve(x, side, HALF, centre, 'y'));
    }
  }
  return variants;
}

/**
 * How different two comparable images are once aligned: the smallest RMS
 * difference over integer shifts of up to `maxShift` pixels (default a tenth of the side; on the overlap),
 * divided by the images' RMS contrast. With `resampled`, the sharper of the
 * two is also tried in its resampled variants near the best shift. 0 for
 * copies; different images of the same kind of thing score 0.3 and up.
 */
export function alignedDifference(a: Float32Array, b: Float32Array, side: number, options: { resampled?: boolean; maxShift?: number } = {}): number {
  const { resampled = false, maxShift = Math.max(1, Math.round(side / 10)) } = options;
  const contrast = Math.sqrt((variance(a) + variance(b)) / 2) || 1e-6;
  const [sharp, soft] = edgeEnergy(a, side) >= edgeEnergy(b, side) ? [a, b] : [b, a];
  const best = bestShift(sharp, soft, side, -maxShift, maxShift, -maxShift, maxShift);
  let error = best.error;
  if (resampled) {
    for (const variant of resampledVariants(sharp, side).slice(1)) {
      error = Math.min(error, bestShift(variant, soft, side, best.dx - 1, best.dx + 1, best.dy - 1, best.dy + 1).error);
    }
  }
  return Math.sqrt(error) / contrast;
}

/** Mean squared difference between horizontal and vertical neighbours: how much fine detail an image has. */
function edgeEnergy(image: Float32Array, side: number): number {
  let sum = 0;
  for (let y = 0; y < side - 1; y++) {
    for (let x = 0; x < side - 1; x++) sum += (image[y * side + x + 1] - image[y * side + x]) ** 2 + (image[(y + 1) * side + x] - image[y * side + x]) ** 2;
  }
  return sum;
}

function bestShift(a: Float32Array, b: Float32Array, side: number, x0: number, x1: number, y0: number, y1: number): { error: number; dx: number; dy: number } {
  let best = { error: Infinity, dx: 0, dy: 0 };
  for (let dy = y0; dy <= y1; dy++) {
    for (let dx = x0; dx <= x1; dx++) {
      const count = (side - Math.abs(dx)) * (side - Math.abs(dy));
      if (count <= 0) continue;
      // a shift whose partial sum already exceeds the best mean over its whole overlap cannot win: stop early
      const bound = best.error * count;
      let sum = 0;
      for (let y = Math.max(0, dy); y < side + Math.min(0, dy) && sum < bound; y++) {
        for (let x = Math.max(0, dx); x < side + Math.min(0, dx); x++) {
          const d = a[y * side + x] - b[(y - dy) * side + (x - dx)];
          sum += d * d;
        }
      }
      if (sum / count < best.error) best = { error: sum / count, dx, dy };
    }
  }
  return best;
}

function variance(values: Float32Array): number {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  return values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
}
