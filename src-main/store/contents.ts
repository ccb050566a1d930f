import type { Db } from './open.ts';

/** What a database holds, for `latent-lab info` and the app's About line. */
export function storeContents(db: Db): { schemaVersion: number; datasets: number; items: number; runs: number } {
  const count = (table: 'datasets' | 'items' | 'runs') => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  return { schemaVersion: db.pragma('user_version', { simple: true }) as number, datasets: count('datasets'), items: count('items'), runs: count('runs') };
}
