import sharp from 'sharp';
import { readImageHeader, type ImageHeader } from './image-header.ts';

export type Fit = 'cover' | 'contain';

export interface DecodeShape {
  size: number;
  channels: 1 | 3;
  fit: Fit;
}

export interface Decoded {
  /** size x size x channels, row-major, channels interleaved. */
  pixels: Uint8Array;
  /** Original size, after EXIF orientation. */
  width: number;
  height: number;
  /** True when the file itself stores a single colour channel. */
  gray: boolean;
}

// libvips decodes one image per call on one thread; parallelism comes from running several calls at once.
sharp.cache(false);

/**
 * Decodes an image file's bytes to a size x size square: `cover` scales and
 * centre-crops, `contain` scales and pads with black. Transparency is
 * flattened onto black. GIFs and other multi-page files use the first frame.
 */
export async function decodeImage(bytes: Uint8Array, shape: DecodeShape): Promise<Decoded> {
  const image = sharp(bytes, { failOn: 'truncated' });
  const header = readImageHeader(bytes) ?? headerFrom(await image.metadata());
  let pipeline = (header.orientation > 1 ? image.rotate() : image)
    .flatten({ background: '#000000' })
    .resize(shape.size, shape.size, { fit: shape.fit, position: 'centre', background: '#000000' });
  pipeline = shape.channels === 1 ? pipeline.toColourspace('b-w') : pipeline.toColourspace('srgb');
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== shape.channels || data.length !== shape.size * shape.size * shape.channels) {
    throw new Error(`decoder returned ${info.width}x${info.height}x${info.channels}, expected ${shape.size}x${shape.size}x${shape.channels}`);
  }
  const rotated = header.orientation >= 5;
  return {
    pixels: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: rotated ? header.height : header.width,
    height: rotated ? header.width : header.height,
    gray: header.colourChannels === 1,
  };
}

function headerFrom(meta: sharp.Metadata): ImageHeader {
  return {
    width: meta.width ?? 0,
    height: meta.height ?? 0,
    colourChannels: (meta.channels ?? 3) - (meta.hasAlpha ? 1 : 0) === 1 ? 1 : 3,
    orientation: meta.orientation ?? 1,
  };
}

/** True when the file stores a single colour channel (reads the header only). */
export async function isGrayFile(bytes: Uint8Array): Promise<boolean> {
  const header = readImageHeader(bytes) ?? headerFrom(await sharp(bytes).metadata());
  return header.colourChannels === 1;
}

/**
 * Turns a sharp/libvips failure into a reason a person can act on. libvips
 * keeps one error buffer for all threads, so under concurrent decodes a
 * message can arrive empty ("Unknown error"): the file's own structure then
 * tells whether it was cut short.
 */
export function describeDecodeError(error: unknown, bytes: Uint8Array): string {
  const message = error instanceof Error ? error.message : String(error);
  if (isCutShort(bytes)) return 'the file is truncated or damaged';
  if (/unsupported image format/i.test(message)) return 'not an image in a format Latent Lab reads (the content does not match its name)';
  if (/pixel limit/i.test(message)) return `image too large: over sharp's limit of ${sharpPixelLimit.toLocaleString('en')} pixels`;
  if (/premature end|truncated|unexpected end|not enough data|read error|corrupt|damaged/i.test(message)) {
    return 'the file is truncated or damaged';
  }
  if (/empty/i.test(message)) return 'empty file (0 bytes)';
  return `could not be decoded: ${message.split('\n')[0]}`;
}

/** A JPEG without its end-of-image marker, or a PNG without its IEND chunk. */
function isCutShort(bytes: Uint8Array): boolean {
  const tail = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).subarray(-64);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return !tail.includes(Buffer.from([0xff, 0xd9]));
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return !tail.includes(Buffer.from('IEND', 'latin1'));
  return false;
}

/** sharp's default limitInputPixels (0x3FFF x 0x3FFF). */
export const sharpPixelLimit = 0x3fff * 0x3fff;
