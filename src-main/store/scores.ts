import { outlierScoreNames as scoreNames, type OutlierScore as ScoreName } from '../contract/contract.ts';
import type { Db } from './open.ts';

/** The scores table: one row per item per run, written by the trainer (recon_error, neg_elbo) and completed by latent/scores.ts. */


export interface ScoreRow {
  itemId: number;
  split: 'train' | 'val';
  cacheIndex: number;
  reconError: number;
  negElbo: number | null;
}

/** The trainer's scores with what is needed to derive the others, in item id order. */
export function readBaseScores(db: Db, runId: number): ScoreRow[] {
  return db
    .prepare(
      `SELECT s.item_id AS itemId, i.split, i.cache_index AS cacheIndex, s.recon_error AS reconError, s.neg_elbo AS negElbo
         FROM scores s JOIN items i ON i.id = s.item_id WHERE s.run_id = ? ORDER BY s.item_id`,
    )
    .all(runId) as ScoreRow[];
}

/** How many of a run's items are scored, how many have a negative ELBO, and how many still lack the derived scores. */
export function scoreCounts(db: Db, runId: number): { scored: number; withElbo: number; underived: number } {
  return db
    .prepare('SELECT count(*) AS scored, count(neg_elbo) AS withElbo, count(*) - count(combined) AS underived FROM scores WHERE run_id = ?')
    .get(runId) as { scored: number; withElbo: number; underived: number };
}

export interface DerivedScores {
  itemIds: ArrayLike<number>;
  complexityBits: ArrayLike<number>;
  complexityCorrected: ArrayLike<number>;
  latentDensity: ArrayLike<number>;
  combined: ArrayLike<number>;
}

export function writeDerivedScores(db: Db, runId: number, scores: DerivedScores): void {
  const update = db.prepare(
    'UPDATE scores SET complexity_bits = ?, complexity_corrected = ?, latent_density = ?, combined = ? WHERE run_id = ? AND item_id = ?',
  );
  db.transaction(() => {
    for (let i = 0; i < scores.itemIds.length; i++) {
      update.run(scores.complexityBits[i], scores.complexityCorrected[i], scores.latentDensity[i], scores.combined[i], runId, scores.itemIds[i]);
    }
  })();
}

/** One score of every scored item, in item id order. */
export function scoreColumn(db: Db, runId: number, score: ScoreName): { itemIds: number[]; values: (number | null)[] } {
  const rows = db.prepare(`SELECT item_id, ${score} FROM scores WHERE run_id = ? ORDER BY item_id`).raw().all(runId) as [number, number | null][];
  return { itemIds: rows.map((r) => r[0]), values: rows.map((r) => r[1]) };
}

export interface RankedScoreRow {
  itemId: number;
  path: string;
  label: string | null;
  split: string;
  score: number;
  reconError: number;
}

/** The `limit` items highest by one score, highest first. */
export function rankedByScore(db: Db, runId: number, score: ScoreName, limit: number): RankedScoreRow[] {
  return db
    .prepare(
      `SELECT s.item_id AS itemId, i.path, i.label, i.split, s.${score} AS score, s.recon_error AS reconError
         FROM scores s JOIN items i ON i.id = s.item_id
        WHERE s.run_id = ? ORDER BY s.${score} DESC, s.item_id LIMIT ?`,
    )
    .all(runId, limit) as RankedScoreRow[];
}

/** Every score of every scored item, with its path, label and split, in item id order (for the CSV export). */
export function allScoreRows(db: Db, runId: number): (Record<ScoreName, number | null> & { itemId: number; path: string; label: string | null; split: string })[] {
  return db
    .prepare(
      `SELECT s.item_id AS itemId, i.path, i.label, i.split, ${scoreNames.map((n) => `s.${n}`).join(', ')}
         FROM scores s JOIN items i ON i.id = s.item_id WHERE s.run_id = ? ORDER BY s.item_id`,
    )
    .all(runId) as (Record<ScoreName, number | null> & { itemId: number; path: string; label: string | null; split: string })[];
}
