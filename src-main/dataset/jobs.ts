import crypto from 'node:crypto';
import fs from 'node:fs';
import { buildAtlasPage, type AtlasPageJob } from './atlas.ts';
import { decodeImage, describeDecodeError, isGrayFile, type DecodeShape, type Decoded } from './decode.ts';
import { describeFsError } from './scan.ts';

/** The CPU-heavy work of an import, in units a worker thread (or the main thread) runs. */
export type Job =
  | { kind: 'decode'; files: { path: Uint8Array; knownHash: string | null }[]; shape: DecodeShape }
  | { kind: 'probe-gray'; paths: Uint8Array[] }
  | { kind: 'atlas'; page: AtlasPageJob };

export type FileOutcome =
  | { kind: 'unchanged'; hash: string }
  | ({ kind: 'decoded'; hash: string } & Decoded)
  | { kind: 'skipped'; reason: string };

export interface JobResults {
  decode: FileOutcome[];
  'probe-gray': { allGray: boolean };
  atlas: null;
}

export type ResultOf<J extends Job> = JobResults[J['kind']];

export function contentHash(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

function readBytes(path: Uint8Array): Buffer | { reason: string } {
  try {
    const bytes = fs.readFileSync(Buffer.from(path.buffer, path.byteOffset, path.byteLength));
    return bytes.length === 0 ? { reason: 'empty file (0 bytes)' } : bytes;
  } catch (error) {
    return { reason: describeFsError(error as NodeJS.ErrnoException) };
  }
}

async function decodeFile(file: { path: Uint8Array; knownHash: string | null }, shape: DecodeShape): Promise<FileOutcome> {
  const bytes = readBytes(file.path);
  if (!Buffer.isBuffer(bytes)) return { kind: 'skipped', reason: bytes.reason };
  const hash = contentHash(bytes);
  if (hash === file.knownHash) return { kind: 'unchanged', hash };
  try {
    return { kind: 'decoded', hash, ...(await decodeImage(bytes, shape)) };
  } catch (error) {
    return { kind: 'skipped', reason: describeDecodeError(error, bytes) };
  }
}

const LANES = 2;

/**
 * Reads, hashes and (when the hash is new) decodes each file; one bad file
 * never fails the job. Two files are in progress at a time, so this thread
 * reads and hashes one while sharp decodes the other.
 */
async function decodeFiles(job: Extract<Job, { kind: 'decode' }>): Promise<FileOutcome[]> {
  const outcomes: FileOutcome[] = new Array(job.files.length);
  let next = 0;
  const lane = async () => {
    while (next < job.files.length) {
      const i = next++;
      outcomes[i] = await decodeFile(job.files[i], job.shape);
    }
  };
  await Promise.all(Array.from({ length: LANES }, lane));
  return outcomes;
}

/** False as soon as one readable image stores colour (unreadable files do not count). */
async function probeGray(paths: Uint8Array[]): Promise<{ allGray: boolean }> {
  for (const path of paths) {
    const bytes = readBytes(path);
    if (!Buffer.isBuffer(bytes)) continue;
    try {
      if (!(await isGrayFile(bytes))) return { allGray: false };
    } catch {
      // a file sharp cannot read is reported by the decode pass
    }
  }
  return { allGray: true };
}

export async function runJob<J extends Job>(job: J): Promise<ResultOf<J>> {
  switch (job.kind) {
    case 'decode':
      return (await decodeFiles(job as Extract<Job, { kind: 'decode' }>)) as ResultOf<J>;
    case 'probe-gray':
      return (await probeGray((job as Extract<Job, { kind: 'probe-gray' }>).paths)) as ResultOf<J>;
    case 'atlas':
      await buildAtlasPage((job as Extract<Job, { kind: 'atlas' }>).page);
      return null as ResultOf<J>;
  }
  throw new Error(`unknown job kind ${(job as Job).kind}`);
}
