import { once } from 'node:events';
import fs from 'node:fs';
import { stringify, type Stringifier } from 'csv-stringify';
import type { OutlierScore } from '../contract/contract.ts';
import type { Db } from '../store/open.ts';
import { allScoreRows } from '../store/scores.ts';
import { UserError } from '../errors.ts';
import { float32FromBlob } from './blobs.ts';
import { storedCodesFingerprint } from './codes.ts';
import { float32Text } from './float-text.ts';
import { rankOutliers } from './outliers.ts';
import { getProjection, readStoredProjection, type StoredProjection } from './projections.ts';

const PAGE = 2048;

export interface CsvWritten {
  path: string;
  rows: number;
}

export interface ExportOptions {
  onProgress?: (rows: number, total: number) => void;
}

/** Writes records to a CSV file through csv-stringify, honouring back-pressure. */
class CsvFile {
  private readonly csv: Stringifier;
  private readonly finished: Promise<unknown>;
  constructor(readonly file: string) {
    this.csv = stringify();
    const out = fs.createWriteStream(file);
    this.finished = new Promise((resolve, reject) => {
      out.on('finish', () => resolve(undefined));
      out.on('error', (error) => reject(new UserError(`cannot write ${file}: ${error.message}`, 'io_error')));
      this.csv.on('error', reject);
    });
    this.csv.pipe(out);
  }
  async write(record: (string | number | null)[]): Promise<void> {
    if (!this.csv.write(record)) await Promise.race([once(this.csv, 'drain'), this.finished]);
  }
  async close(): Promise<void> {
    this.csv.end();
    await this.finished;
  }
}

interface ExportRow {
  id: number;
  path: string;
  label: string | null;
  split: string;
  attributes: string | null;
  code: Buffer;
  recon_error: number | null;
  neg_elbo: number | null;
}

/**
 * Streams a run's embeddings to CSV: id, path, label, split, one column per
 * dataset attribute, z0..z{D-1}, x, y, z (the PCA projection, computed and
 * stored first if missing), recon_error and, for VAEs, neg_elbo. Rows are read
 * in pages of item ids, so memory stays flat however many rows there are
 * (besides the projection's 16 bytes per item). Codes are written so that
 * parsing them gives back the stored float32 values exactly.
 */
export async function exportEmbeddingsCsv(db: Db, runId: number, file: string, options: ExportOptions = {}): Promise<CsvWritten> {
  const run = db.prepare('SELECT r.dataset_id AS datasetId, d.attributes FROM runs r JOIN datasets d ON d.id = r.dataset_id WHERE r.id = ?').get(runId) as
    | { datasetId: number; attributes: string }
    | undefined;
  if (!run) throw new UserError(`There is no run ${runId}; \`latent-lab runs\` lists them.`, 'not_found');
  const projection = await pcaProjection(db, runId);
  const attributes = JSON.parse(run.attributes) as string[];
  const { total, dimBytes, elbo } = db
    .prepare('SELECT count(*) AS total, max(length(e.code)) AS dimBytes, count(s.neg_elbo) AS elbo FROM embeddings e LEFT JOIN scores s ON s.run_id = e.run_id AND s.item_id = e.item_id WHERE e.run_id = ?')
    .get(runId) as { total: number; dimBytes: number; elbo: number };
  const dim = dimBytes / 4;
  const withElbo = elbo > 0;

  const csv = new CsvFile(file);
  await csv.write(['id', 'path', 'label', 'split', ...attributes, ...Array.from({ length: dim }, (_, k) => `z${k}`), 'x', 'y', 'z', 'recon_error', ...(withElbo ? ['neg_elbo'] : [])]);
  const page = db.prepare(
    `SELECT i.id, i.path, i.label, i.split, i.attributes, e.code, s.recon_error, s.neg_elbo
       FROM embeddings e JOIN items i ON i.id = e.item_id
       LEFT JOIN scores s ON s.run_id = e.run_id AND s.item_id = e.item_id
      WHERE e.run_id = ? AND e.item_id > ? ORDER BY e.item_id LIMIT ?`,
  );
  let written = 0;
  let lastId = -1;
  let at = 0; // walks the projection's ascending item ids alongside the rows
  while (true) {
    const records: (string | number | null)[][] = [];
    for (const row of page.iterate(runId, lastId, PAGE) as Iterable<ExportRow>) {
      lastId = row.id;
      while (at < projection.itemIds.length && projection.itemIds[at] < row.id) at++;
      const xyz = projection.itemIds[at] === row.id ? Array.from(projection.coords.subarray(at * 3, at * 3 + 3), float32Text) : [null, null, null];
      const values = row.attributes ? (JSON.parse(row.attributes) as Record<string, number>) : {};
      records.push([
        row.id,
        row.path,
        row.label,
        row.split,
        ...attributes.map((a) => values[a] ?? null),
        ...Array.from(float32FromBlob(row.code), float32Text),
        ...xyz,
        row.recon_error,
        ...(withElbo ? [row.neg_elbo] : []),
      ]);
    }
    if (records.length === 0) break;
    for (const record of records) await csv.write(record);
    written += records.length;
    options.onProgress?.(written, total);
  }
  await csv.close();
  return { path: file, rows: written };
}

async function pcaProjection(db: Db, runId: number): Promise<StoredProjection> {
  const stored = readStoredProjection(db, runId, 'pca', { codes: storedCodesFingerprint(db, runId) });
  return stored ?? getProjection(db, runId, { method: 'pca' });
}

/**
 * The outlier list as CSV, every scored item: rank (by `score`, default the
 * combined score), id, path, label, split, every score the run has, and
 * above_threshold (1/0 against the threshold suggested for `score`).
 */
export async function exportOutliersCsv(db: Db, runId: number, file: string, score: OutlierScore = 'combined'): Promise<CsvWritten> {
  const report = await rankOutliers(db, runId, { score, top: 1 });
  const rows = allScoreRows(db, runId).sort((a, b) => b[score]! - a[score]! || a.itemId - b.itemId);
  const csv = new CsvFile(file);
  await csv.write(['rank', 'id', 'path', 'label', 'split', ...report.available, 'above_threshold']);
  for (const [i, row] of rows.entries()) {
    await csv.write([i + 1, row.itemId, row.path, row.label, row.split, ...report.available.map((name) => row[name]), row[score]! > report.threshold ? 1 : 0]);
  }
  await csv.close();
  return { path: file, rows: rows.length };
}
