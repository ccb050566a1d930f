import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { cacheDirFor } from '../paths.ts';
import { openStore, type Db } from '../store/open.ts';
import { ATLAS_TILES, atlasLayout, atlasPagePath } from './atlas.ts';
import { defaultAttributeFiles, matchAttributes, readAttributes, type AttributeValues } from './attributes.ts';
import type { DecodeShape, Fit } from './decode.ts';
import { defaultParallelism, inProcessRunner, workerRunner, type JobRunner } from './job-pool.ts';
import type { FileOutcome } from './jobs.ts';
import { PixelCache, pixelCachePath } from './pixel-cache.ts';
import { imageExtensions, scanFolder, type ScannedFile, type Skipped } from './scan.ts';
import { splitOf } from './split.ts';

export const DEFAULT_SIZE = 64;

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
  /** Attributes file; by default attributes.csv or list_attr_celeba.txt in the folder's root, if present. */
  attributes?: string;
  onProgress?: (progress: ImportProgress) => void;
  signal?: AbortSignal;
  /** Where decoding runs: worker threads (default for large imports) or the main thread. */
  runner?: 'workers' | 'in-process';
}

export interface ImportSummary {
  dataset: number;
  datasetName: string;
  /** Items present now (status ok). */
  items: number;
  added: number;
  updated: number;
  unchanged: number;
  /** Items whose file is gone (status missing). */
  missing: number;
  skipped: Skipped[];
  /** Files with the same content as another file; both are imported. */
  duplicates: { path: string; sameAs: string }[];
  labels: string[];
  attributes: string[];
  attributeMatch: { file: string; unmatchedRows: number; imagesWithoutRow: number } | null;
  size: number;
  channels: 1 | 3;
  fit: Fit;
  seconds: number;
}

interface DatasetRow {
  id: number;
  name: string;
  size: number;
  channels: 1 | 3;
  fit: Fit;
  seed: number;
  val_fraction: number;
}

interface KnownItem {
  id: number;
  hash: string;
  status: 'ok' | 'missing';
}

const CHUNK = 64;
/** Below this many files, worker start-up costs more than it saves. */
const WORKER_THRESHOLD = 256;
const FLUSH_ROWS = 1024;
const FLUSH_MS = 1000;

function checkFolder(folder: string): string {
  const root = path.resolve(folder);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch {
    throw new UserError(`The folder ${folder} does not exist.`, 'not_found');
  }
  if (!stat.isDirectory()) throw new UserError(`${folder} is a file, not a folder: point the import at the folder that holds the images.`, 'not_a_folder');
  return root;
}

function checkSettings(existing: DatasetRow, options: ImportOptions): void {
  const differs: string[] = [];
  if (options.size !== undefined && options.size !== existing.size) differs.push(`--size ${existing.size}`);
  if (options.channels !== undefined && options.channels !== 'auto' && options.channels !== existing.channels) differs.push(`--channels ${existing.channels}`);
  if (options.fit !== undefined && options.fit !== existing.fit) differs.push(`--fit ${existing.fit}`);
  if (differs.length > 0) {
    throw new UserError(
      `This folder was imported before as dataset "${existing.name}" with ${differs.join(', ')}; a re-import keeps those settings. ` +
        `Run it again with ${differs.join(' ')} (or without these options).`,
      'settings_changed',
    );
  }
}

function validate(options: ImportOptions): void {
  const { size, channels, fit } = options;
  if (size !== undefined && (!Number.isInteger(size) || size < 4 || size > 512)) throw new UserError(`--size must be a whole number of pixels from 4 to 512, not ${size}.`);
  if (channels !== undefined && channels !== 1 && channels !== 3 && channels !== 'auto') throw new UserError(`--channels must be 1, 3 or auto, not ${channels}.`);
  if (fit !== undefined && fit !== 'cover' && fit !== 'contain') throw new UserError(`--fit must be cover or contain, not ${fit}.`);
}

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

function findOrCreateDataset(db: Db, root: string, options: ImportOptions, channels: () => Promise<1 | 3>) {
  const existing = db.prepare('SELECT * FROM datasets WHERE root = ?').get(root) as DatasetRow | undefined;
  if (existing) {
    checkSettings(existing, options);
    if (options.name && options.name !== existing.name) renameDataset(db, existing, options.name);
    return { dataset: existing, created: false };
  }
  const name = options.name ?? path.basename(root);
  const clash = db.prepare('SELECT root FROM datasets WHERE name = ?').get(name) as { root: string } | undefined;
  if (clash) throw new UserError(`A dataset named "${name}" already exists (from ${clash.root}); choose another name with --name.`, 'name_taken');
  return {
    created: true,
    create: async (): Promise<DatasetRow> => {
      const row = { name, root, size: options.size ?? DEFAULT_SIZE, channels: await channels(), fit: options.fit ?? 'cover' };
      const id = Number(db.prepare('INSERT INTO datasets (name, root, size, channels, fit) VALUES (@name, @root, @size, @channels, @fit)').run(row).lastInsertRowid);
      return db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as DatasetRow;
    },
  };
}

function renameDataset(db: Db, dataset: DatasetRow, name: string): void {
  const clash = db.prepare('SELECT id FROM datasets WHERE name = ? AND id != ?').get(name, dataset.id);
  if (clash) throw new UserError(`A dataset named "${name}" already exists; choose another name with --name.`, 'name_taken');
  db.prepare('UPDATE datasets SET name = ? WHERE id = ?').run(name, dataset.id);
  dataset.name = name;
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
  const scan = scanFolder(root, signal);
  onProgress?.({ phase: 'scan', done: scan.files.length, total: scan.files.length });
  const skipped: Skipped[] = [...scan.skipped];

  const db = openStore(options.dbPath);
  const cacheDir = cacheDirFor(options.dbPath);
  const useWorkers = options.runner ? options.runner === 'workers' : scan.files.length >= WORKER_THRESHOLD && defaultParallelism > 1;
  const runner = useWorkers ? workerRunner() : inProcessRunner();
  let cache: PixelCache | undefined;
  try {
    const found = findOrCreateDataset(db, root, options, () => chooseChannels(options, scan.files, runner));
    if (found.created && scan.files.length === 0) {
      const why = skipped.length > 0 ? ` ${skipped.length} file(s) could not be used, e.g. ${skipped[0].path}: ${skipped[0].reason}.` : '';
      throw new UserError(`The folder ${options.folder} contains no images (looked for ${[...imageExtensions].join(' ')} files in it and its subfolders).${why}`, 'no_images');
    }

    const attributeFile = options.attributes ?? defaultAttributeFiles.map((f) => path.join(root, f)).find((f) => fs.existsSync(f));
    const table = attributeFile ? readAttributes(attributeFile) : null;
    if (table) skipped.push(...table.problems);
    const match = table ? matchAttributes(table, scan.files.map((f) => f.relPath)) : null;

    const dataset = found.dataset ?? (await found.create!());
    const shape: DecodeShape = { size: dataset.size, channels: dataset.channels, fit: dataset.fit };
    cache = PixelCache.open(pixelCachePath(cacheDir, dataset.id), shape);
    const writer = new ItemWriter(db, dataset, cache, cacheDir, match?.byPath ?? null);

    const known = new Map<string, KnownItem>();
    for (const row of db.prepare('SELECT id, path, hash, status FROM items WHERE dataset_id = ?').iterate(dataset.id) as Iterable<KnownItem & { path: string }>) {
      known.set(row.path, row);
    }

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

    const counts = db
      .prepare(`SELECT sum(status = 'ok') AS ok, sum(status = 'missing') AS missing FROM items WHERE dataset_id = ?`)
      .get(dataset.id) as { ok: number | null; missing: number | null };
    const labels = db
      .prepare(`SELECT DISTINCT label FROM items WHERE dataset_id = ? AND status = 'ok' AND label IS NOT NULL ORDER BY label`)
      .pluck()
      .all(dataset.id) as string[];
    const finalRow = db.prepare('SELECT name, attributes FROM datasets WHERE id = ?').get(dataset.id) as { name: string; attributes: string };
    return {
      dataset: dataset.id,
      datasetName: finalRow.name,
      items: counts.ok ?? 0,
      added: writer.added,
      updated: writer.updated,
      unchanged: writer.unchanged,
      missing: counts.missing ?? 0,
      skipped,
      duplicates: writer.duplicates,
      labels,
      attributes: JSON.parse(finalRow.attributes) as string[],
      attributeMatch: table && match ? { file: table.file, unmatchedRows: match.unmatchedRows, imagesWithoutRow: match.imagesWithoutRow } : null,
      size: dataset.size,
      channels: dataset.channels,
      fit: dataset.fit,
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
  const jobs = ATLAS_TILES.flatMap((tile) =>
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

/** Writes decoded pixels to the cache and their rows to the database, pixels first. */
class ItemWriter {
  added = 0;
  updated = 0;
  unchanged = 0;
  readonly duplicates: { path: string; sameAs: string }[] = [];
  private nextIndex: number;
  private readonly seen = new Set<string>();
  private readonly byHash = new Map<string, string>();
  private readonly pending: (() => void)[] = [];
  private lastFlush = performance.now();
  private readonly insert;
  private readonly update;
  private readonly revive;

  constructor(
    private readonly db: Db,
    private readonly dataset: DatasetRow,
    private readonly cache: PixelCache,
    private readonly cacheDir: string,
    private readonly attributes: Map<string, AttributeValues> | null,
  ) {
    const max = db.prepare('SELECT max(cache_index) FROM items WHERE dataset_id = ?').pluck().get(dataset.id) as number | null;
    this.nextIndex = max === null ? 0 : max + 1;
    this.insert = db.prepare(
      `INSERT INTO items (dataset_id, path, label, attributes, split, hash, width, height, cache_index)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.update = db.prepare(`UPDATE items SET hash = ?, width = ?, height = ?, cache_index = ?, status = 'ok' WHERE id = ?`);
    this.revive = db.prepare(`UPDATE items SET status = 'ok' WHERE id = ?`);
  }

  recordCount(): number {
    return this.nextIndex;
  }

  add(file: ScannedFile, outcome: FileOutcome, known: KnownItem | undefined, skipped: Skipped[]): void {
    if (this.seen.has(file.relPath)) {
      skipped.push({ path: file.relPath, reason: 'its name, once undecodable bytes are escaped, equals another file name; rename it' });
      return;
    }
    this.seen.add(file.relPath);
    if (outcome.kind === 'skipped') {
      skipped.push({ path: file.relPath, reason: known ? `${outcome.reason}; the copy imported before is kept` : outcome.reason });
      return;
    }
    const sameAs = this.byHash.get(outcome.hash);
    if (sameAs) this.duplicates.push({ path: file.relPath, sameAs });
    else this.byHash.set(outcome.hash, file.relPath);
    if (outcome.kind === 'unchanged') {
      this.unchanged++;
      if (known!.status === 'missing') this.pending.push(() => this.revive.run(known!.id));
      return;
    }
    const index = this.nextIndex++;
    this.invalidateAtlas(index);
    this.cache.write(index, outcome.pixels);
    const { hash, width, height } = outcome;
    if (known) {
      this.updated++;
      this.pending.push(() => this.update.run(hash, width, height, index, known.id));
    } else {
      this.added++;
      const attrs = this.attributes?.get(file.relPath);
      const split = splitOf(file.relPath, this.dataset.seed, this.dataset.val_fraction);
      this.pending.push(() => this.insert.run(this.dataset.id, file.relPath, file.label, attrs ? JSON.stringify(attrs) : null, split, hash, width, height, index));
    }
  }

  flushIfDue(): void {
    if (this.pending.length >= FLUSH_ROWS || performance.now() - this.lastFlush >= FLUSH_MS) this.flush();
  }

  /** Syncs the pixel cache, then commits the rows that point into it. */
  flush(): void {
    this.lastFlush = performance.now();
    if (this.pending.length === 0) return;
    this.cache.sync();
    const rows = this.pending.splice(0);
    this.db.transaction(() => rows.forEach((write) => write()))();
  }

  /** After a complete scan: marks vanished files missing and applies the attributes file to every item. */
  finish(attributeNames: string[] | null): void {
    const markMissing = this.db.prepare(`UPDATE items SET status = 'missing' WHERE id = ?`);
    const setAttributes = this.db.prepare('UPDATE items SET attributes = ? WHERE id = ?');
    const rows = this.db.prepare(`SELECT id, path, status FROM items WHERE dataset_id = ?`).all(this.dataset.id) as { id: number; path: string; status: string }[];
    this.db.transaction(() => {
      for (const row of rows) {
        if (!this.seen.has(row.path) && row.status === 'ok') markMissing.run(row.id);
        if (this.attributes) {
          const values = this.attributes.get(row.path);
          setAttributes.run(values ? JSON.stringify(values) : null, row.id);
        }
      }
      if (attributeNames) this.db.prepare('UPDATE datasets SET attributes = ? WHERE id = ?').run(JSON.stringify(attributeNames), this.dataset.id);
      this.db.prepare(`UPDATE datasets SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ') WHERE id = ?`).run(this.dataset.id);
    })();
  }

  private readonly invalidated = new Set<string>();

  private invalidateAtlas(index: number): void {
    for (const tile of ATLAS_TILES) {
      const page = atlasPagePath(this.cacheDir, this.dataset.id, tile, Math.floor(index / atlasLayout(tile).perPage));
      if (this.invalidated.has(page)) continue;
      this.invalidated.add(page);
      fs.rmSync(page, { force: true });
    }
  }
}
