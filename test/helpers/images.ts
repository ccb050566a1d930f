import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { FASHION_MNIST_CLASSES, fashionMnistDir, readIdxImages, readIdxLabels } from '../../src-main/dataset/idx.ts';

/** Tiny generated images for dataset tests. */

/** A w x h image whose pixels depend on `seed`, so different seeds give different content. */
export function patternPixels(width: number, height: number, channels: 1 | 3, seed: number): Buffer {
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = (x * 13 + y * 7 + c * 80 + seed * 29) % 256;
    }
  }
  return data;
}

export async function writeImage(
  file: string,
  options: { width?: number; height?: number; channels?: 1 | 3; seed?: number; format?: 'png' | 'jpeg' | 'webp' | 'gif' | 'tiff' } = {},
): Promise<void> {
  const { width = 16, height = 16, channels = 3, seed = 0 } = options;
  const format = options.format ?? (path.extname(file).slice(1).replace('jpg', 'jpeg') as 'png');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const image = sharp(patternPixels(width, height, channels, seed), { raw: { width, height, channels } });
  await (channels === 1 ? image.toColourspace('b-w') : image).toFormat(format).toFile(file);
}

/** A real JPEG cut in half. */
export async function writeTruncatedJpeg(file: string): Promise<void> {
  const jpeg = await sharp(patternPixels(64, 64, 3, 5), { raw: { width: 64, height: 64, channels: 3 } }).jpeg().toBuffer();
  fs.writeFileSync(file, jpeg.subarray(0, Math.floor(jpeg.length / 2)));
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A small PNG whose header claims width x height (grayscale), so decoders reject it before allocating. */
export function writePngClaiming(file: string, width: number, height: number): void {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grayscale
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const idat = zlib.deflateSync(Buffer.alloc(1024));
  fs.writeFileSync(file, Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]));
}

/** An 8-bit grayscale PNG, encoded directly (much faster than a full encoder for thousands of tiny files). */
export function encodeGrayPng(pixels: Uint8Array, width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 0;
  const rows = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) rows.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', zlib.deflateSync(rows)), pngChunk('IEND', Buffer.alloc(0))]);
}

export interface ExportedImage {
  relPath: string;
  label: string;
  pixels: Uint8Array;
}

/**
 * Writes the first `count` Fashion-MNIST images (training set, then test set)
 * as PNG files in class-name subfolders; returns what was written.
 */
export function writeFashionMnistFolder(dir: string, count: number): ExportedImage[] {
  const sets = (['train', 't10k'] as const).map((set) => ({
    images: readIdxImages(path.join(fashionMnistDir, `${set}-images-idx3-ubyte.gz`)),
    labels: readIdxLabels(path.join(fashionMnistDir, `${set}-labels-idx1-ubyte.gz`)),
    set,
  }));
  const written: ExportedImage[] = [];
  for (const { images, labels, set } of sets) {
    const pixelsPer = images.rows * images.cols;
    for (let i = 0; i < images.count && written.length < count; i++) {
      const label = FASHION_MNIST_CLASSES[labels[i]];
      const relPath = `${label}/${set}-${String(i).padStart(5, '0')}.png`;
      const pixels = images.data.subarray(i * pixelsPer, (i + 1) * pixelsPer);
      const file = path.join(dir, relPath);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, encodeGrayPng(pixels, images.cols, images.rows));
      written.push({ relPath, label, pixels });
    }
  }
  return written;
}
