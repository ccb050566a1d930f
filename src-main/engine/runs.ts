import { processAlive } from '../process-alive.ts';
import type { RunOutcome } from '../contract/contract.ts';
import type { Db } from '../store/open.ts';
import type { TrainConfig } from './config.ts';
import type { RunSummary } from './events.ts';
import { readRun, type RunStatus } from './run-record.ts';

/**
 * Runs left 'queued' or 'running' by a process that no longer exists (kill -9, power
 * loss) become 'interrupted', resumable from their last finished epoch. Call before
 * listing or starting runs. Returns the ids it marked.
 */
export function markInterruptedRuns(db: Db): number[] {
  const live = db.prepare("SELECT id, pid FROM runs WHERE status IN ('queued', 'running')").all() as { id: number; pid: number | null }[];
  const dead = live.filter((r) => r.pid === null || !processAlive(r.pid)).map((r) => r.id);
  const mark = db.prepare(
    "UPDATE runs SET status = 'interrupted', pid = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ') WHERE id = ? AND status IN ('queued', 'running')",
  );
  db.transaction(() => dead.forEach((id) => mark.run(id)))();
  return dead;
}

/** A new run row, owned by `pid` until the trainer takes it over. */
export function createRun(db: Db, datasetId: number, config: TrainConfig, pid: number): number {
  const info = db
    .prepare("INSERT INTO runs (dataset_id, model, config, status, pid) VALUES (?, ?, ?, 'queued', ?)")
    .run(datasetId, config.model, JSON.stringify(config), pid);
  return Number(info.lastInsertRowid);
}

export function setRunStatus(db: Db, runId: number, status: RunStatus, fields: { pid?: number | null; backend?: string; error?: string | null } = {}): void {
  const sets = ['status = @status', "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ')"];
  if (fields.pid !== undefined) sets.push('pid = @pid');
  if (fields.backend !== undefined) sets.push('backend = @backend');
  if (fields.error !== undefined) sets.push('error = @error');
  db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = @id`).run({ id: runId, status, pid: fields.pid ?? null, backend: fields.backend ?? null, error: fields.error ?? null });
}

/** Replaces the stored config (resuming with more epochs). */
export function updateRunConfig(db: Db, runId: number, config: TrainConfig): void {
  db.prepare('UPDATE runs SET config = ? WHERE id = ?').run(JSON.stringify(config), runId);
}

/** One row of the metrics table (one finished epoch). */
export interface MetricsRow {
  epoch: number;
  train_loss: number;
  val_loss: number | null;
  val_mse: number | null;
  val_kl: number | null;
  samples_per_second: number | null;
  seconds: number | null;
}

/** The run's last finished epoch, if any. */
export function lastMetrics(db: Db, runId: number): MetricsRow | undefined {
  return db.prepare('SELECT * FROM metrics WHERE run_id = ? ORDER BY epoch DESC LIMIT 1').get(runId) as MetricsRow | undefined;
}

export function parseOutcome(text: string | null): RunOutcome | null {
  return text === null ? null : (JSON.parse(text) as RunOutcome);
}

export function readOutcome(db: Db, runId: number): RunOutcome | null {
  const row = db.prepare('SELECT outcome FROM runs WHERE id = ?').get(runId) as { outcome: string | null } | undefined;
  return parseOutcome(row?.outcome ?? null);
}

/** Records how training ended (null while it runs again after a resume). */
export function writeOutcome(db: Db, runId: number, outcome: RunOutcome | null): void {
  db.prepare('UPDATE runs SET outcome = ? WHERE id = ?').run(outcome === null ? null : JSON.stringify(outcome), runId);
}

/** The metrics of the epoch whose weights the run kept (early stopping keeps the best), else the last. */
export function keptMetrics(db: Db, runId: number): MetricsRow | undefined {
  const best = readOutcome(db, runId)?.bestEpoch;
  const row = best === undefined ? undefined : (db.prepare('SELECT * FROM metrics WHERE run_id = ? AND epoch = ?').get(runId, best) as MetricsRow | undefined);
  return row ?? lastMetrics(db, runId);
}

/** A run's summary from the database (the last finished epoch's metrics). */
export function runSummary(db: Db, runId: number): RunSummary {
  const run = readRun(db, runId);
  const m = keptMetrics(db, runId);
  const speed = db.prepare('SELECT sum(samples_per_second * seconds) / sum(seconds) AS s FROM metrics WHERE run_id = ? AND seconds > 0').get(runId) as { s: number | null };
  return {
    run: run.id,
    dataset: run.datasetId,
    model: run.model,
    backend: run.backend,
    status: run.status,
    epochs: run.epochsDone,
    seconds: run.seconds,
    samplesPerSecond: speed.s,
    trainLoss: m?.train_loss ?? null,
    valLoss: m?.val_loss ?? null,
    valMse: m?.val_mse ?? null,
    valKl: m?.val_kl ?? null,
    error: run.error,
    outcome: readOutcome(db, runId),
    recipe: run.config.recipe,
    config: run.config,
  };
}
