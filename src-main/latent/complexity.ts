import { deflateRawSync } from 'node:zlib';
import sharp from 'sharp';

/** How the lossless length of an image is measured: PNG (sharp, level 9, adaptive filters) or raw deflate of the pixels. */
export type Compressor = 'png' | 'deflate';

/**
 * The lossless compressed length of one image in bits: the input-complexity
 * estimate L(x) of Serra et al. (ICLR 2020). Simple images (a flat shape, a
 * digit) compress to few bits, so subtracting L(x) from a likelihood in bits
 * stops them looking typical just because they are simple.
 */
export async function compressedBits(pixels: Uint8Array, size: number, channels: 1 | 3, compressor: Compressor = 'png'): Promise<number> {
  if (compressor === 'deflate') return deflateRawSync(pixels, { level: 9 }).length * 8;
  const image = sharp(pixels, { raw: { width: size, height: size, channels } });
  // one channel raw stays one channel only when asked: sharp writes it as a three-channel PNG otherwise
  const png = await (channels === 1 ? image.toColourspace('b-w') : image)
    .png({ compressionLevel: 9, adaptiveFiltering: true, palette: false })
    .toBuffer();
  return png.length * 8;
}
