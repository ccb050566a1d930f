import type { Db } from './open.ts';

/** Typed queries on the weights table: a run's tfjs model artifacts, one row per named part (encoder, decoder, optimizer). */

/** A row of the weights table, ready to write. */
export interface WeightsRow {
  part: string;
  /** JSON model topology; null for the optimizer. */
  topology: string | null;
  /** JSON array of tfjs WeightsManifestEntry. */
  weightSpecs: string;
  data: Buffer;
}

/** Writes rows for one epoch; call inside the transaction that records the epoch. */
export function writeWeights(db: Db, runId: number, epoch: number, rows: WeightsRow[]): void {
  const upsert = db.prepare(
    `INSERT INTO weights (run_id, part, epoch, topology, weight_specs, data) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, part) DO UPDATE SET epoch = excluded.epoch, topology = excluded.topology,
       weight_specs = excluded.weight_specs, data = excluded.data`,
  );
  for (const row of rows) upsert.run(runId, row.part, epoch, row.topology, row.weightSpecs, row.data);
}

/** One stored part, or undefined when the run saved none. */
export function readWeights(db: Db, runId: number, part: string): (WeightsRow & { epoch: number }) | undefined {
  return db.prepare('SELECT part, epoch, topology, weight_specs AS weightSpecs, data FROM weights WHERE run_id = ? AND part = ?').get(runId, part) as
    | (WeightsRow & { epoch: number })
    | undefined;
}

/** The epoch the stored weights belong to, or null when the run saved none yet. */
export function storedWeightsEpoch(db: Db, runId: number): number | null {
  return (db.prepare("SELECT epoch FROM weights WHERE run_id = ? AND part = 'encoder'").pluck().get(runId) as number | undefined) ?? null;
}
