/**
 * Size, colour channels and EXIF orientation read straight from a PNG or
 * JPEG header, which costs far less than asking the decoder (the import
 * needs them for every file). Other formats, and anything unusual, return
 * null and the caller asks sharp instead.
 */
export interface ImageHeader {
  width: number;
  height: number;
  /** Colour channels, not counting alpha: 1 (gray) or 3. */
  colourChannels: 1 | 3;
  /** EXIF orientation 1..8 (1 when absent). */
  orientation: number;
  /** As sharp names formats: png, jpeg, ... */
  format: string;
  /** The file can hold transparency (an alpha channel, or a PNG tRNS chunk). */
  alpha: boolean;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function pngHeader(b: Uint8Array, view: DataView): ImageHeader | null {
  if (b.length < 33 || !PNG_SIGNATURE.every((v, i) => b[i] === v)) return null;
  if (String.fromCharCode(b[12], b[13], b[14], b[15]) !== 'IHDR') return null;
  const colourType = b[25];
  // 0 gray, 4 gray+alpha; 2 RGB, 6 RGBA, 3 palette (treated as colour)
  const alpha = colourType === 4 || colourType === 6 || hasPngChunkBeforeData(b, view, 'tRNS');
  return { width: view.getUint32(16), height: view.getUint32(20), colourChannels: colourType === 0 || colourType === 4 ? 1 : 3, orientation: 1, format: 'png', alpha };
}

/** Walks the chunks after IHDR up to the first IDAT (ancillary chunks such as tRNS must come before it). */
function hasPngChunkBeforeData(b: Uint8Array, view: DataView, type: string): boolean {
  for (let at = 8; at + 8 <= b.length; at += 12 + view.getUint32(at)) {
    const name = String.fromCharCode(b[at + 4], b[at + 5], b[at + 6], b[at + 7]);
    if (name === type) return true;
    if (name === 'IDAT') return false;
  }
  return false;
}

function exifOrientation(view: DataView, start: number, end: number): number {
  // "Exif\0\0" then a TIFF header
  if (end - start < 14 || view.getUint32(start) !== 0x45786966) return 1;
  const tiff = start + 6;
  const little = view.getUint16(tiff) === 0x4949;
  const u16 = (at: number) => view.getUint16(at, little);
  const ifd = tiff + view.getUint32(tiff + 4, little);
  if (ifd + 2 > end) return 1;
  const entries = u16(ifd);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > end) return 1;
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

function jpegHeader(b: Uint8Array, view: DataView): ImageHeader | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
  let orientation = 1;
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1];
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = view.getUint16(at + 2);
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (at + 10 > b.length) return null;
      const components = b[at + 9];
      return { height: view.getUint16(at + 5), width: view.getUint16(at + 7), colourChannels: components === 1 ? 1 : 3, orientation, format: 'jpeg', alpha: false };
    }
    if (marker === 0xe1) orientation = exifOrientation(view, at + 4, Math.min(b.length, at + 2 + length));
    if (marker === 0xda) return null;
    at += 2 + length;
  }
  return null;
}

export function readImageHeader(bytes: Uint8Array): ImageHeader | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    return pngHeader(bytes, view) ?? jpegHeader(bytes, view);
  } catch {
    return null;
  }
}
