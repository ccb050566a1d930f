import sharp from 'sharp';
import { lumaOf, rgbOf } from './background.ts';
import { readImageHeader, type ImageHeader } from './image-header.ts';

export type Fit = 'cover' | 'contain';

export interface DecodeShape {
  size: number;
  channels: 1 | 3;
  fit: Fit;
  /** What transparency is composited onto: #rrggbb, or auto (see background.ts). */
  background: string;
}

/** What the import did to a file to make it a stored square. */
export interface Conversion {
  /** Original size, after EXIF orientation (an SVG's own width and height). */
  width: number;
  height: number;
  /** The file's format as sharp names it: png, jpeg, webp, gif, tiff, heif, svg... */
  format: string;
  /** Scaled up to reach the stored size (never for SVG, which is drawn at that size). */
  upscaled: boolean;
  /** Fraction of the original's area cut away (fit cover on a non-square image). */
  cropped: number;
  /** Colour content stored as grayscale. */
  fromColour: boolean;
  /** The colour (#rrggbb) its transparent pixels were composited onto; null when fully opaque. */
  matte: string | null;
}

export interface Decoded extends Conversion {
  /** size x size x channels, row-major, channels interleaved. */
  pixels: Uint8Array;
  /** True when the file itself stores a single colour channel. */
  gray: boolean;
}

// libvips decodes one image per call on one thread; parallelism comes from running several calls at once.
sharp.cache(false);

/** A pixel differing from gray by more than this (after resizing) makes an image colour. */
const COLOUR_TOLERANCE = 8;

/**
 * Decodes an image file's bytes to a size x size square: `cover` scales and
 * centre-crops, `contain` scales and pads with the background. EXIF
 * orientation is applied, CMYK and 16-bit files become 8-bit sRGB, GIFs and
 * other multi-page files give their first frame, SVGs are drawn at the stored
 * size. Transparent pixels are composited onto the shape's background.
 */
export async function decodeImage(bytes: Uint8Array, shape: DecodeShape): Promise<Decoded> {
  const header = readImageHeader(bytes) ?? headerFrom(await sharp(bytes).metadata());
  const rotated = header.orientation >= 5;
  const width = rotated ? header.height : header.width;
  const height = rotated ? header.width : header.height;
  const vector = header.format === 'svg';
  const scale = shape.fit === 'cover' ? Math.max(shape.size / width, shape.size / height) : Math.min(shape.size / width, shape.size / height);
  // an SVG is rasterised at the resolution that makes it the stored size, instead of drawn at 72 dpi and scaled
  const density = vector ? Math.min(100_000, Math.max(1, 72 * scale)) : undefined;

  // opaque gray stays one channel (the common case of scans and Fashion-MNIST, three times less to convert);
  // everything else comes as sRGB, with alpha when the file has it (libvips' b-w would drop alpha)
  const grayOpaque = header.colourChannels === 1 && !header.alpha && shape.channels === 1;
  const image = sharp(bytes, { failOn: 'truncated', ...(density ? { density } : {}) });
  const { data, info } = await (header.orientation > 1 ? image.rotate() : image)
    .resize(shape.size, shape.size, { fit: shape.fit === 'cover' ? 'cover' : 'inside', position: 'centre' })
    .toColourspace(grayOpaque ? 'b-w' : 'srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== (grayOpaque ? 1 : 3) + (info.channels === 4 ? 1 : 0) || (shape.fit === 'cover' && (info.width !== shape.size || info.height !== shape.size))) {
    throw new Error(`decoder returned ${info.width}x${info.height}x${info.channels}, expected ${shape.size}x${shape.size} ${grayOpaque ? 'gray' : 'sRGB'}`);
  }
  const square = toSquare(new Uint8Array(data.buffer, data.byteOffset, data.length), info, shape);
  return {
    pixels: square.pixels,
    width,
    height,
    format: header.format,
    upscaled: !vector && scale > 1,
    cropped: shape.fit === 'cover' ? 1 - Math.min(width, height) / Math.max(width, height) : 0,
    fromColour: shape.channels === 1 && square.colour,
    matte: square.matte,
    gray: header.colourChannels === 1,
  };
}

/**
 * Gray, sRGB or sRGBA pixels (w x h, at most size x size) to the stored square: alpha
 * composited onto the matte, colour reduced to luma when one channel is
 * stored, centred on a canvas of the matte colour (padding for contain).
 */
function toSquare(data: Uint8Array, info: { width: number; height: number; channels: number }, shape: DecodeShape) {
  const { size, channels } = shape;
  const inChannels = info.channels;
  const alpha = inChannels === 4;
  const pixelCount = info.width * info.height;
  let translucent = false;
  let colour = false;
  if (alpha) for (let p = 0; p < pixelCount && !translucent; p++) translucent = data[p * 4 + 3] < 255;
  const matte = translucent ? chooseMatte(data, pixelCount, shape.background) : null;
  const fast = !translucent && inChannels === channels && info.width === size && info.height === size;
  if (fast) return { pixels: data, matte, colour: channels === 3 };

  const [mr, mg, mb] = rgbOf(matte ?? (shape.background === 'auto' ? '#ffffff' : shape.background));
  const pixels = new Uint8Array(size * size * channels);
  if (channels === 1) pixels.fill(Math.round(lumaOf(mr, mg, mb)));
  else for (let p = 0; p < size * size; p++) pixels.set([mr, mg, mb], p * 3);
  const left = Math.floor((size - info.width) / 2);
  const top = Math.floor((size - info.height) / 2);
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const at = (y * info.width + x) * inChannels;
      const a = alpha ? data[at + 3] / 255 : 1;
      const r = data[at] * a + mr * (1 - a);
      const g = inChannels === 1 ? r : data[at + 1] * a + mg * (1 - a);
      const b = inChannels === 1 ? r : data[at + 2] * a + mb * (1 - a);
      const out = ((top + y) * size + left + x) * channels;
      if (channels === 3) {
        pixels[out] = Math.round(r);
        pixels[out + 1] = Math.round(g);
        pixels[out + 2] = Math.round(b);
      } else {
        if (!colour && Math.max(Math.abs(r - g), Math.abs(g - b), Math.abs(r - b)) > COLOUR_TOLERANCE) colour = true;
        pixels[out] = Math.round(lumaOf(r, g, b));
      }
    }
  }
  return { pixels, matte, colour };
}

/** The fixed background, or for auto: black behind light content, white behind dark (alpha-weighted mean luma). */
function chooseMatte(rgba: Uint8Array, pixelCount: number, background: string): string {
  if (background !== 'auto') return background;
  let weight = 0;
  let sum = 0;
  for (let p = 0; p < pixelCount; p++) {
    const a = rgba[p * 4 + 3];
    weight += a;
    sum += a * lumaOf(rgba[p * 4], rgba[p * 4 + 1], rgba[p * 4 + 2]);
  }
  return weight > 0 && sum / weight > 127.5 ? '#000000' : '#ffffff';
}

function headerFrom(meta: sharp.Metadata): ImageHeader {
  return {
    width: meta.width ?? 0,
    height: meta.height ?? 0,
    colourChannels: (meta.channels ?? 3) - (meta.hasAlpha ? 1 : 0) === 1 ? 1 : 3,
    orientation: meta.orientation ?? 1,
    format: meta.format ?? 'unknown',
    alpha: meta.hasAlpha ?? false,
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
