import type { Db } from './open.ts';

/** Typed queries on the embeddings table: one code (float32 little-endian blob) per item per run, and a VAE's log-variances. */

function floatBlob(values: Float32Array, start: number, length: number): Buffer {
  const copy = new Float32Array(values.subarray(start, start + length));
  return Buffer.from(copy.buffer, copy.byteOffset, copy.byteLength);
}

/** A run's codes and the trainer's scores of them, parallel to `itemIds`. */
export interface EmbeddedItems {
  itemIds: ArrayLike<number>;
  dim: number;
  /** dim values per item. */
  codes: Float32Array;
  logvars: Float32Array | null;
  reconError: ArrayLike<number>;
  negElbo: ArrayLike<number> | null;
}

/** Replaces a run's codes and base scores in one transaction. */
export function replaceCodesAndScores(db: Db, runId: number, items: EmbeddedItems): void {
  const insertCode = db.prepare('INSERT INTO embeddings (run_id, item_id, code, logvar) VALUES (?, ?, ?, ?)');
  const insertScore = db.prepare('INSERT INTO scores (run_id, item_id, recon_error, neg_elbo) VALUES (?, ?, ?, ?)');
  const { dim } = items;
  db.transaction(() => {
    db.prepare('DELETE FROM embeddings WHERE run_id = ?').run(runId);
    db.prepare('DELETE FROM scores WHERE run_id = ?').run(runId);
    for (let i = 0; i < items.itemIds.length; i++) {
      const itemId = items.itemIds[i];
      insertCode.run(runId, itemId, floatBlob(items.codes, i * dim, dim), items.logvars ? floatBlob(items.logvars, i * dim, dim) : null);
      insertScore.run(runId, itemId, items.reconError[i], items.negElbo ? items.negElbo[i] : null);
    }
  })();
}

/** How many codes a run has, the longest code in bytes, and how many carry a log-variance. */
export function codeCounts(db: Db, runId: number): { n: number; dimBytes: number | null; logvars: number } {
  return db.prepare('SELECT count(*) AS n, max(length(code)) AS dimBytes, count(logvar) AS logvars FROM embeddings WHERE run_id = ?').get(runId) as {
    n: number;
    dimBytes: number | null;
    logvars: number;
  };
}

/** Changes whenever a run's codes are rewritten (the trainer updates the run row as it embeds). */
export function codesMarker(db: Db, runId: number): string {
  const counts = db.prepare('SELECT count(*), min(rowid), max(rowid) FROM embeddings WHERE run_id = ?').raw().get(runId) as unknown[];
  const run = db.prepare('SELECT status, epochs_done, updated_at FROM runs WHERE id = ?').raw().get(runId) as unknown[] | undefined;
  return JSON.stringify([counts, run ?? null]);
}

/** A run's codes (with log-variances when asked and stored) in item id order, streamed. */
export function iterateCodes(db: Db, runId: number, withLogvar: boolean): Iterable<[itemId: number, code: Buffer, logvar?: Buffer | null]> {
  return db.prepare(`SELECT item_id, code${withLogvar ? ', logvar' : ''} FROM embeddings WHERE run_id = ? ORDER BY item_id`).raw().iterate(runId) as Iterable<[number, Buffer, Buffer?]>;
}

/** Of these item ids, those with a code in the run. */
export function embeddedAmong(db: Db, runId: number, itemIds: readonly number[]): number[] {
  return db.prepare('SELECT item_id FROM embeddings WHERE run_id = ? AND item_id IN (SELECT value FROM json_each(?))').pluck().all(runId, JSON.stringify(itemIds)) as number[];
}

/** What an embeddings export needs to know before its first row: rows, code bytes, and how many have a negative ELBO. */
export function exportCounts(db: Db, runId: number): { total: number; dimBytes: number; elbo: number } {
  return db
    .prepare('SELECT count(*) AS total, max(length(e.code)) AS dimBytes, count(s.neg_elbo) AS elbo FROM embeddings e LEFT JOIN scores s ON s.run_id = e.run_id AND s.item_id = e.item_id WHERE e.run_id = ?')
    .get(runId) as { total: number; dimBytes: number; elbo: number };
}

/** One embedded item with what an export writes of it. */
export interface ExportRow {
  id: number;
  path: string;
  label: string | null;
  split: string;
  attributes: string | null;
  code: Buffer;
  recon_error: number | null;
  neg_elbo: number | null;
}

const exportColumns = `SELECT i.id, i.path, i.label, i.split, i.attributes, e.code, s.recon_error, s.neg_elbo
       FROM embeddings e JOIN items i ON i.id = e.item_id
       LEFT JOIN scores s ON s.run_id = e.run_id AND s.item_id = e.item_id`;

/** The export rows in item id order, `pageSize` at a time: every embedded item, or only the (ascending) ids given. */
export function* exportPages(db: Db, runId: number, itemIds: number[] | null, pageSize: number): Generator<ExportRow[]> {
  if (itemIds) {
    const page = db.prepare(`${exportColumns} WHERE e.run_id = ? AND e.item_id IN (SELECT value FROM json_each(?)) ORDER BY e.item_id`);
    for (let k = 0; k < itemIds.length; k += pageSize) yield page.all(runId, JSON.stringify(itemIds.slice(k, k + pageSize))) as ExportRow[];
    return;
  }
  const page = db.prepare(`${exportColumns} WHERE e.run_id = ? AND e.item_id > ? ORDER BY e.item_id LIMIT ?`);
  let lastId = -1;
  while (true) {
    const rows = page.all(runId, lastId, pageSize) as ExportRow[];
    if (rows.length === 0) return;
    lastId = rows[rows.length - 1].id;
    yield rows;
  }
}
