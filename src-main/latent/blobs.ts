/** float32 / int32 little-endian blobs as SQLite stores them (copies, so alignment never matters). */

export function blobOf(values: Int32Array | Float32Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

export function int32FromBlob(blob: Buffer): Int32Array {
  const out = new Int32Array(blob.length / 4);
  new Uint8Array(out.buffer).set(blob);
  return out;
}

export function float32FromBlob(blob: Buffer): Float32Array {
  const out = new Float32Array(blob.length / 4);
  new Uint8Array(out.buffer).set(blob);
  return out;
}
