import { once } from 'node:events';
import fs from 'node:fs';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { OutlierScore } from '../contract/contract.ts';
import { embeddedAmong, exportCounts, exportPages } from '../store/embeddings.ts';
import type { Db } from '../store/open.ts';
import { runDataset } from '../store/runs.ts';
import { allScoreRows } from '../store/scores.ts';
import { UserError } from '../errors.ts';
import { float32FromBlob } from './blobs.ts';
import { float32Text } from './float-text.ts';
import { rankOutliers } from './outliers.ts';
import { canonicalJson, getProjection, type ProjectionRequest, type StoredProjection } from './projections.ts';

const PAGE = 2048;

export interface CsvWritten {
  path: string;
  rows: number;
}

type Cell = string | number | null;

/**
 * OWASP's CSV-injection defence: a text cell that a spreadsheet would read as
 * a formula (starting with = + - @, tab or carriage return) gets a leading
 * single quote. Only text goes through here; numbers are written as they are.
 */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** How every CSV Latent Lab writes treats text: neutralised, or kept byte for byte when `raw`. */
function textCell(raw: boolean): (text: string | null) => string | null {
  return (text) => (raw || text === null ? text : neutraliseFormula(text));
}

/** Writes records through csv-stringify to a writable, honouring back-pressure; a first line may be a `#` comment. */
async function streamCsv(out: Writable, comment: string | null, records: AsyncIterable<Cell[]> | Iterable<Cell[]>): Promise<number> {
  const failed = new Promise<never>((_resolve, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  if (comment !== null && !out.write(`# ${comment.replace(/[\r\n]+/g, ' ')}\n`)) await Promise.race([once(out, 'drain'), failed]);
  const csv = stringify();
  csv.pipe(out, { end: false });
  let rows = -1; // the header row is not a data row
  for await (const record of records) {
    rows++;
    if (!csv.write(record)) await Promise.race([once(csv, 'drain'), failed]);
  }
  csv.end();
  await Promise.race([once(csv, 'end'), failed]);
  return Math.max(0, rows);
}

/** Streams a prepared CSV into a file and says where and how many rows. */
export async function writeCsvFile(file: string, csv: PreparedCsv): Promise<CsvWritten> {
  const out = fs.createWriteStream(file);
  try {
    const rows = await csv.write(out);
    out.end();
    await once(out, 'finish');
    return { path: file, rows };
  } catch (error) {
    out.destroy();
    const message = error instanceof Error ? error.message : String(error);
    throw error instanceof UserError ? error : new UserError(`cannot write ${file}: ${message}`, 'io_error');
  }
}

export interface EmbeddingsRequest {
  /** The projection whose x, y, z go in the rows (default PCA), as the Explore view shows it. */
  projection?: ProjectionRequest;
  /** Only these items' rows (each must have a code in the run); default every item. */
  itemIds?: readonly number[];
  /** Keep text byte for byte (no formula neutralisation). */
  raw?: boolean;
  onProgress?: (rows: number, total: number) => void;
}

/** A CSV ready to stream: everything that can fail for the caller's input has been checked. */
export interface PreparedCsv {
  /** The file name a download should get. */
  name: string;
  write(out: Writable): Promise<number>;
}

/**
 * A run's embeddings as CSV: a `#` comment line naming the run and the
 * projection with its parameters, then a header and one row per item: id,
 * path, label, split, one column per dataset attribute, z0..z{D-1}, x, y, z
 * (the requested projection, computed and stored first if missing),
 * recon_error and, for VAEs, neg_elbo. Rows are read in pages of item ids, so
 * memory stays flat however many rows there are (besides the projection's 16
 * bytes per item). Codes are written so that parsing them gives back the
 * stored float32 values exactly.
 */
export async function prepareEmbeddingsCsv(db: Db, runId: number, request: EmbeddingsRequest = {}): Promise<PreparedCsv> {
  const dataset = runDataset(db, runId);
  if (!dataset) throw new UserError(`There is no run ${runId}; \`latent-lab runs\` lists them.`, 'not_found');
  const projection = await getProjection(db, runId, request.projection ?? { method: 'pca' });
  const itemIds = request.itemIds ? [...new Set(request.itemIds)].sort((a, b) => a - b) : null;
  if (itemIds) checkEmbedded(db, runId, itemIds);
  const { attributes } = dataset;
  const { total, dimBytes, elbo } = exportCounts(db, runId);
  const dim = dimBytes / 4;
  const withElbo = elbo > 0;
  const text = textCell(request.raw ?? false);
  const rowsTotal = itemIds ? itemIds.length : total;
  const where = new Map<number, number>();
  projection.itemIds.forEach((id, at) => where.set(id, at));

  async function* records(): AsyncGenerator<Cell[]> {
    yield ['id', 'path', 'label', 'split', ...attributes, ...Array.from({ length: dim }, (_, k) => `z${k}`), 'x', 'y', 'z', 'recon_error', ...(withElbo ? ['neg_elbo'] : [])].map(text);
    let written = 0;
    for (const page of exportPages(db, runId, itemIds, PAGE)) {
      for (const row of page) {
        const at = where.get(row.id);
        const xyz = at === undefined ? [null, null, null] : Array.from(projection.coords.subarray(at * 3, at * 3 + 3), float32Text);
        const values = row.attributes ? (JSON.parse(row.attributes) as Record<string, number>) : {};
        yield [
          row.id,
          text(row.path),
          text(row.label),
          text(row.split),
          ...attributes.map((a) => values[a] ?? null),
          ...Array.from(float32FromBlob(row.code), float32Text),
          ...xyz,
          row.recon_error,
          ...(withElbo ? [row.neg_elbo] : []),
        ];
      }
      written += page.length;
      request.onProgress?.(written, rowsTotal);
    }
  }
  return {
    name: `run-${runId}-embeddings-${projection.method}${itemIds ? `-${itemIds.length}-items` : ''}.csv`,
    write: (out) => streamCsv(out, projectionComment(runId, projection), records()),
  };
}

/** The comment line: which run and which projection (with every parameter) the x, y, z columns are. */
function projectionComment(runId: number, projection: StoredProjection): string {
  return `latent-lab run ${runId}; x,y,z: ${projection.method} projection ${canonicalJson(projection.params)}`;
}

function checkEmbedded(db: Db, runId: number, itemIds: number[]): void {
  const known = new Set(embeddedAmong(db, runId, itemIds));
  if (known.size === itemIds.length) return;
  const missing = itemIds.filter((id) => !known.has(id));
  throw new UserError(`items ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''} have no code in run ${runId}`, 'not_found');
}

/** Streams a run's embeddings to a CSV file (see prepareEmbeddingsCsv). */
export async function exportEmbeddingsCsv(db: Db, runId: number, file: string, request: EmbeddingsRequest = {}): Promise<CsvWritten> {
  return writeCsvFile(file, await prepareEmbeddingsCsv(db, runId, request));
}

/**
 * The outlier list as CSV, every scored item: rank (by `score`, default the
 * combined score), id, path, label, split, every score the run has, and
 * above_threshold (1/0 against the threshold suggested for `score`).
 */
export async function prepareOutliersCsv(db: Db, runId: number, options: { score?: OutlierScore; raw?: boolean } = {}): Promise<PreparedCsv> {
  const score = options.score ?? 'combined';
  const report = await rankOutliers(db, runId, { score, top: 1 });
  const text = textCell(options.raw ?? false);
  const rows = allScoreRows(db, runId).sort((a, b) => b[score]! - a[score]! || a.itemId - b.itemId);
  const records: Cell[][] = [
    ['rank', 'id', 'path', 'label', 'split', ...report.available, 'above_threshold'],
    ...rows.map((row, i) => [i + 1, row.itemId, text(row.path), text(row.label), text(row.split), ...report.available.map((name) => row[name]), row[score]! > report.threshold ? 1 : 0]),
  ];
  return { name: `run-${runId}-outliers.csv`, write: (out) => streamCsv(out, null, records) };
}

/** Every scored item of a run, ranked by `score`, with all its outlier scores. */
export async function exportOutliersCsv(db: Db, runId: number, file: string, options: { score?: OutlierScore; raw?: boolean } = {}): Promise<CsvWritten> {
  return writeCsvFile(file, await prepareOutliersCsv(db, runId, options));
}
