import fs from 'node:fs';
import path from 'node:path';
import type { ImportSummary } from '../contract/contract.ts';
import { UserError } from '../errors.ts';
import { cacheDirFor } from '../paths.ts';
import { openStore } from '../store/open.ts';
import { IMPORT_ATLAS_TILES, atlasLayout, atlasPagePath } from './atlas.ts';
import { defaultAttributeFiles, matchAttributes, readAttributes } from './attributes.ts';
import { datasetById } from '../store/datasets.ts';
import { datasetLabels, importChangeCounts, itemStatusCounts, knownItems } from '../store/items.ts';
import { checkFolder, findOrCreateDataset, validate } from './dataset-row.ts';
import type { DecodeShape, Fit } from './decode.ts';
import { lockFolderImport } from './import-lock.ts';
import { ItemWriter } from './item-writer.ts';
import { defaultParallelism, inProcessRunner, workerRunner, type JobRunner } from './job-pool.ts';
import type { FileOutcome } from './jobs.ts';
import { PixelCache, pixelCachePath } from './pixel-cache.ts';
import { imageExtensions, scanFolder, type ScannedFile, type Skipped } from './scan.ts';


export interface ImportProgress {
  phase: 'scan' | 'decode' | 'atlas';
  done: number;
  total: number;
}

export interface ImportOptions {
  dbPath: string;
  folder: string;
  name?: string;
  /** Side of the stored square images in pixels (default 64). */
  size?: number;
  channels?: 1 | 3 | 'auto';
  fit?: Fit;
  /** What transparency is composited onto: white (default), black, gray, auto or #rrggbb (see background.ts). */
  background?: string;
  /** Attributes file; by default attributes.csv or list_attr_celeba.txt in the folder's root, if present. */
  attributes?: string;
  onProgress?: (progress: ImportProgress) => void;
  signal?: AbortSignal;
  /**
   * Where reading, hashing, decoding and thumbnail drawing run: worker threads
   * (the default from 256 files: as fast as the main thread with sharp's pool
   * in bench/import, and it keeps the caller's event loop free) or the main thread.
   */
  runner?: 'workers' | 'in-process';
}

/** The import's result: the API's ImportSummary, also the CLI's --json output. */
export type { ImportSummary };

const CHUNK = 64;
/** Below this many files, worker start-up costs more than it saves. */
const WORKER_THRESHOLD = 256;

async function chooseChannels(options: ImportOptions, files: ScannedFile[], runner: JobRunner): Promise<1 | 3> {
  if (options.channels === 1 || options.channels === 3) return options.channels;
  const chunks: Uint8Array[][] = [];
  for (let i = 0; i < files.length; i += CHUNK * 4) chunks.push(files.slice(i, i + CHUNK * 4).map((f) => f.absPath));
  let allGray = true;
  let next = 0;
  const lane = async () => {
    while (allGray && next < chunks.length) {
      options.signal?.throwIfAborted();
      if (!(await runner.run({ kind: 'probe-gray', paths: chunks[next++] })).allGray) allGray = false;
    }
  };
  await Promise.all(Array.from({ length: runner.parallelism }, lane));
  return allGray ? 1 : 3;
}

/**
 * Imports (or re-imports) a folder of images into the database and the
 * pixel cache beside it. Bad files are skipped with a reason; rows are
 * committed only after the pixels they point at are written and synced,
 * so an interruption at any point leaves a consistent database and the
 * next import of the same folder continues where this one stopped.
 */
export async function importFolder(options: ImportOptions): Promise<ImportSummary> {
  try {
    return await runImport(options);
  } catch (error) {
    if (options.signal?.aborted && !(error instanceof UserError)) throw interrupted(0);
    throw error;
  }
}

function interrupted(saved: number): UserError {
  return new UserError(`Import interrupted: ${saved} new or changed image(s) were saved. Run the same import again to continue.`, 'interrupted');
}

async function runImport(options: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  validate(options);
  const root = checkFolder(options.folder);
  const { signal, onProgress } = options;
  onProgress?.({ phase: 'scan', done: 0, total: 0 });
  const attributeFile = options.attributes ? path.resolve(options.attributes) : defaultAttributeFiles.map((f) => path.join(root, f)).find((f) => fs.existsSync(f));
  // the attributes file is the one non-image file the folder is expected to hold
  const scan = scanFolder(root, signal, (rel) => attributeFile === path.join(root, rel));
  onProgress?.({ phase: 'scan', done: scan.files.length, total: scan.files.length });

  const cacheDir = cacheDirFor(options.dbPath);
  const unlock = lockFolderImport(cacheDir, root);
  try {
    return await importScanned(options, root, scan, attributeFile, cacheDir, started);
  } finally {
    unlock();
  }
}

async function importScanned(
  options: ImportOptions,
  root: string,
  scan: ReturnType<typeof scanFolder>,
  attributeFile: string | undefined,
  cacheDir: string,
  started: number,
): Promise<ImportSummary> {
  const { signal, onProgress } = options;
  const skipped: Skipped[] = [...scan.skipped];
  const db = openStore(options.dbPath);
  const useWorkers = options.runner ? options.runner === 'workers' : scan.files.length >= WORKER_THRESHOLD && defaultParallelism > 1;
  const runner = useWorkers ? workerRunner() : inProcessRunner();
  let cache: PixelCache | undefined;
  try {
    const found = findOrCreateDataset(db, root, options, () => chooseChannels(options, scan.files, runner));
    if (found.created && scan.files.length === 0) {
      const why = skipped.length > 0 ? ` ${skipped.length} file(s) could not be used, e.g. ${skipped[0].path}: ${skipped[0].reason}.` : '';
      throw new UserError(`The folder ${options.folder} contains no images (looked for ${[...imageExtensions].join(' ')} files in it and its subfolders).${why}`, 'no_images');
    }

    const table = attributeFile ? readAttributes(attributeFile) : null;
    if (table) skipped.push(...table.problems);
    const match = table ? matchAttributes(table, scan.files.map((f) => f.relPath)) : null;

    const dataset = found.dataset ?? (await found.create!());
    const shape: DecodeShape = { size: dataset.size, channels: dataset.channels, fit: dataset.fit, background: dataset.background };
    cache = PixelCache.open(pixelCachePath(cacheDir, dataset.id), shape);
    const writer = new ItemWriter(db, dataset, cache, cacheDir, match?.byPath ?? null);

    const known = new Map(knownItems(db, dataset.id).map((row) => [row.path, row]));

    const chunks: ScannedFile[][] = [];
    for (let i = 0; i < scan.files.length; i += CHUNK) chunks.push(scan.files.slice(i, i + CHUNK));
    const inFlight: Promise<FileOutcome[]>[] = [];
    let submitted = 0;
    let done = 0;
    const submit = () => {
      const files = chunks[submitted++].map((f) => ({ path: f.absPath, knownHash: known.get(f.relPath)?.hash ?? null }));
      inFlight.push(runner.run({ kind: 'decode', files, shape }));
    };
    onProgress?.({ phase: 'decode', done: 0, total: scan.files.length });
    while (done < chunks.length && !signal?.aborted) {
      while (submitted < chunks.length && inFlight.length < runner.parallelism * 2) submit();
      const outcomes = await inFlight.shift()!;
      if (signal?.aborted) break;
      chunks[done].forEach((file, i) => writer.add(file, outcomes[i], known.get(file.relPath), skipped));
      done++;
      writer.flushIfDue();
      onProgress?.({ phase: 'decode', done: Math.min(done * CHUNK, scan.files.length), total: scan.files.length });
    }
    writer.flush();
    if (signal?.aborted) {
      await Promise.allSettled(inFlight);
      throw interrupted(writer.added + writer.updated);
    }
    writer.finish(table?.names ?? null);
    await buildMissingAtlasPages(runner, cache, cacheDir, dataset.id, writer.recordCount(), signal, onProgress);
    if (signal?.aborted) throw interrupted(writer.added + writer.updated);

    const counts = itemStatusCounts(db, dataset.id);
    const finalRow = datasetById(db, dataset.id)!;
    return {
      dataset: dataset.id,
      datasetName: finalRow.name,
      items: counts.ok,
      added: writer.added,
      updated: writer.updated,
      unchanged: writer.unchanged,
      missing: counts.missing,
      skipped,
      duplicates: writer.duplicates,
      labels: datasetLabels(db, dataset.id),
      attributes: finalRow.attributes,
      attributeMatch: table && match ? { file: table.file, unmatchedRows: match.unmatchedRows, imagesWithoutRow: match.imagesWithoutRow } : null,
      size: dataset.size,
      channels: dataset.channels,
      fit: dataset.fit,
      background: dataset.background,
      changes: importChangeCounts(db, dataset.id),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await runner.close();
    cache?.close();
    db.close();
  }
}

/** Atlas pages are deleted when their records change (see ItemWriter), so a missing page is exactly a stale one. */
async function buildMissingAtlasPages(
  runner: JobRunner,
  cache: PixelCache,
  cacheDir: string,
  datasetId: number,
  records: number,
  signal: AbortSignal | undefined,
  onProgress: ImportOptions['onProgress'],
): Promise<void> {
  const jobs = IMPORT_ATLAS_TILES.flatMap((tile) =>
    Array.from({ length: Math.ceil(records / atlasLayout(tile).perPage) }, (_, page) => ({ tile, page, out: atlasPagePath(cacheDir, datasetId, tile, page) })),
  ).filter((job) => !fs.existsSync(job.out));
  let next = 0;
  let done = 0;
  onProgress?.({ phase: 'atlas', done, total: jobs.length });
  const lane = async () => {
    while (next < jobs.length && !signal?.aborted) {
      const { tile, page, out } = jobs[next++];
      await runner.run({ kind: 'atlas', page: { cacheFile: cache.file, shape: cache.shape, tile, page, records, out } });
      onProgress?.({ phase: 'atlas', done: ++done, total: jobs.length });
    }
  };
  await Promise.all(Array.from({ length: runner.parallelism }, lane));
}
