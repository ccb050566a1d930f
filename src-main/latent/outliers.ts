import type { OutlierList } from '../contract/contract.ts';
import { UserError } from '../errors.ts';
import type { Db } from '../store/open.ts';
import { DEFAULT_OUTLIER_K, robustThreshold } from './robust.ts';
import { noScoresError } from './scores.ts';

type OutlierItem = OutlierList['items'][number];

/** Items of a run ranked by reconstruction error (VAEs: negative ELBO), with a suggested threshold. */
export function rankOutliers(db: Db, runId: number, top = 100, k = DEFAULT_OUTLIER_K): OutlierList {
  if (!Number.isInteger(top) || top < 1) throw new UserError(`--top must be a positive whole number, got ${top}`);
  const { n, elbo } = db.prepare('SELECT count(*) AS n, count(neg_elbo) AS elbo FROM scores WHERE run_id = ?').get(runId) as { n: number; elbo: number };
  if (n === 0) throw noScoresError(db, runId);
  const score = elbo === n ? 'neg_elbo' : 'recon_error';
  const all = db.prepare(`SELECT ${score} FROM scores WHERE run_id = ?`).pluck().all(runId) as number[];
  const { threshold, median, mad } = robustThreshold(all, k);
  const aboveThreshold = all.reduce((count, s) => count + (s > threshold ? 1 : 0), 0);
  const rows = db
    .prepare(
      `SELECT s.item_id AS itemId, i.path, i.label, i.split, s.${score} AS score, s.recon_error AS reconError
         FROM scores s JOIN items i ON i.id = s.item_id
        WHERE s.run_id = ? ORDER BY s.${score} DESC, s.item_id LIMIT ?`,
    )
    .all(runId, top) as Omit<OutlierItem, 'rank'>[];
  return { runId, score, threshold, k, median, mad, scored: n, aboveThreshold, items: rows.map((r, i) => ({ rank: i + 1, ...r })) };
}
