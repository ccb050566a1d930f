import sharp from 'sharp';
import type { Images } from './decode.ts';

export interface GridOptions {
  /** Images per row (default: all in one strip). */
  columns?: number;
  /** Pixels of background between images. */
  gap?: number;
}

/** Float pixels in [0, 1] to 8-bit, rounding and clamping. */
export function toBytes(pixels: Float32Array): Uint8Array {
  return Uint8Array.from(pixels, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
}

/**
 * Lays decoded images out in a grid (a strip when columns >= n) at the
 * dataset's size, white between them, and encodes a PNG with sharp.
 */
export async function imagesToPng(images: Images, options: GridOptions = {}): Promise<Buffer> {
  const { n, size, channels } = images;
  if (n < 1) throw new Error('no images to lay out');
  const gap = options.gap ?? 2;
  const columns = Math.max(1, Math.min(options.columns ?? n, n));
  const rows = Math.ceil(n / columns);
  const width = columns * size + (columns - 1) * gap;
  const height = rows * size + (rows - 1) * gap;
  const canvas = new Uint8Array(width * height * channels).fill(255);
  const bytes = toBytes(images.pixels);
  const rowBytes = size * channels;
  for (let i = 0; i < n; i++) {
    const left = (i % columns) * (size + gap);
    const top = Math.floor(i / columns) * (size + gap);
    for (let y = 0; y < size; y++) {
      const from = (i * size * size + y * size) * channels;
      canvas.set(bytes.subarray(from, from + rowBytes), ((top + y) * width + left) * channels);
    }
  }
  return sharp(canvas, { raw: { width, height, channels } }).png().toBuffer();
}
