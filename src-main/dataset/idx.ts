import fs from 'node:fs';
import zlib from 'node:zlib';

/**
 * Reader for the IDX files MNIST and Fashion-MNIST ship in (optionally
 * gzipped): a big-endian header (magic, then one uint32 per dimension)
 * followed by uint8 data.
 */
export const fashionMnistDir = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_CLASSES = [
  'T-shirt_top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle_boot',
] as const;

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** count x rows x cols bytes, row-major. */
  data: Uint8Array;
}

const UBYTE = 0x08;

function readIdx(file: string, dims: number): { shape: number[]; data: Uint8Array } {
  let bytes: Buffer = fs.readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = zlib.gunzipSync(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== 0 || bytes[2] !== UBYTE || bytes[3] !== dims) {
    throw new Error(`${file} is not an IDX file of unsigned bytes with ${dims} dimension(s)`);
  }
  const shape = Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i));
  const offset = 4 + 4 * dims;
  const length = shape.reduce((a, b) => a * b, 1);
  if (bytes.length < offset + length) throw new Error(`${file} is truncated: header says ${length} bytes of data`);
  return { shape, data: new Uint8Array(bytes.buffer, bytes.byteOffset + offset, length) };
}

export function readIdxImages(file: string): IdxImages {
  const { shape, data } = readIdx(file, 3);
  return { count: shape[0], rows: shape[1], cols: shape[2], data };
}

export function readIdxLabels(file: string): Uint8Array {
  return readIdx(file, 1).data;
}
