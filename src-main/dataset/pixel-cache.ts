import fs from 'node:fs';
import path from 'node:path';

/**
 * Decoded pixels of one dataset: a flat file of fixed-size uint8 records
 * (size x size x channels, row-major, channels interleaved), record i at
 * byte i * recordBytes. Readers fetch any set of records without loading
 * the whole file, so a dataset larger than memory still trains.
 */
export interface PixelShape {
  size: number;
  channels: 1 | 3;
}

export function recordBytes(shape: PixelShape): number {
  return shape.size * shape.size * shape.channels;
}

export function pixelCachePath(cacheDir: string, datasetId: number): string {
  return path.join(cacheDir, `dataset-${datasetId}.pixels`);
}

export class PixelCache {
  readonly recordBytes: number;
  private constructor(
    readonly file: string,
    readonly shape: PixelShape,
    private fd: number,
  ) {
    this.recordBytes = recordBytes(shape);
  }

  /** Opens for reading and writing, creating the file if needed. */
  static open(file: string, shape: PixelShape): PixelCache {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const fd = fs.openSync(file, fs.existsSync(file) ? 'r+' : 'w+');
    return new PixelCache(file, shape, fd);
  }

  /** Opens an existing cache read-only (the trainer and the latent tools). */
  static openReadOnly(file: string, shape: PixelShape): PixelCache {
    return new PixelCache(file, shape, fs.openSync(file, 'r'));
  }

  get records(): number {
    return Math.floor(fs.fstatSync(this.fd).size / this.recordBytes);
  }

  write(index: number, pixels: Uint8Array): void {
    if (pixels.length !== this.recordBytes) throw new Error(`pixel record has ${pixels.length} bytes, expected ${this.recordBytes}`);
    fs.writeSync(this.fd, pixels, 0, pixels.length, index * this.recordBytes);
  }

  /** Reads the given records, in order, into one contiguous buffer. */
  read(indices: ArrayLike<number>, into = new Uint8Array(indices.length * this.recordBytes)): Uint8Array {
    for (let i = 0; i < indices.length; i++) {
      const offset = indices[i] * this.recordBytes;
      const got = fs.readSync(this.fd, into, i * this.recordBytes, this.recordBytes, offset);
      if (got !== this.recordBytes) throw new Error(`pixel cache ${this.file} has no record ${indices[i]}`);
    }
    return into;
  }

  /** Reads `count` consecutive records from `first` with one system call. */
  readRange(first: number, count: number): Uint8Array {
    const into = new Uint8Array(count * this.recordBytes);
    const got = fs.readSync(this.fd, into, 0, into.length, first * this.recordBytes);
    if (got !== into.length) throw new Error(`pixel cache ${this.file} has no records ${first}..${first + count - 1}`);
    return into;
  }

  /** Makes written records durable (the import calls this before committing rows that point at them). */
  sync(): void {
    fs.fsyncSync(this.fd);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
