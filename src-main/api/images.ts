import sharp from 'sharp';
import type { Images } from '../latent/decode.ts';
import { toBytes } from '../latent/png.ts';
import type { DecodedImage } from '../contract/contract.ts';

/** Decoded images as PNG data URLs, one per image, at the dataset's size (light compression: about twice as fast, and they only travel to the page). */
export async function toDataUrls(images: Images): Promise<DecodedImage[]> {
  const { n, size, channels } = images;
  const per = size * size * channels;
  const bytes = toBytes(images.pixels);
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const png = await sharp(bytes.subarray(i * per, (i + 1) * per), { raw: { width: size, height: size, channels } }).png({ compressionLevel: 1 }).toBuffer();
      return { width: size, height: size, dataUrl: `data:image/png;base64,${png.toString('base64')}` };
    }),
  );
}

/** n x d row-major floats as n arrays of d numbers. */
export function rowsOf(matrix: Float32Array, d: number): number[][] {
  return Array.from({ length: matrix.length / d }, (_, i) => Array.from(matrix.subarray(i * d, (i + 1) * d)));
}
