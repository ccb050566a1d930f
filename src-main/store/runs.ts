import type { EpochMetrics, RunOutcome, RunStatus, RunSummary } from '../contract/contract.ts';
import type { Db } from './open.ts';

/** Typed queries on the runs table and its metrics (one row per finished epoch). */

const now = "strftime('%Y-%m-%dT%H:%M:%fZ')";

/** A row of the runs table as stored (config and outcome are JSON text). */
export interface RunRow {
  id: number;
  dataset_id: number;
  name: string | null;
  model: string;
  config: string;
  status: RunStatus;
  backend: string | null;
  pid: number | null;
  epochs_done: number;
  seconds: number;
  error: string | null;
  outcome: string | null;
  created_at: string;
  updated_at: string;
}

function parseConfig(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function toSummary(db: Db, row: RunRow): RunSummary {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    name: row.name,
    model: row.model,
    status: row.status,
    backend: row.backend,
    epochsDone: row.epochs_done,
    seconds: row.seconds,
    error: row.error,
    config: parseConfig(row.config),
    outcome: parseOutcome(row.outcome),
    last: keptMetrics(db, row.id) ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Every run, or a dataset's runs, newest first, each with the metrics of the epoch it kept. */
export function listRunSummaries(db: Db, datasetId?: number): RunSummary[] {
  const rows = (
    datasetId === undefined
      ? db.prepare('SELECT * FROM runs ORDER BY id DESC').all()
      : db.prepare('SELECT * FROM runs WHERE dataset_id = ? ORDER BY id DESC').all(datasetId)
  ) as RunRow[];
  return rows.map((row) => toSummary(db, row));
}

/** One run with the metrics of the epoch it kept, or undefined when there is no such run. */
export function readRunSummary(db: Db, runId: number): RunSummary | undefined {
  const row = db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
  return row && toSummary(db, row);
}

/** A run with its dataset's name and image shape. */
export type RunWithShape = RunRow & { dataset_name: string; size: number; channels: 1 | 3 };

export function runWithShape(db: Db, runId: number): RunWithShape | undefined {
  return db
    .prepare('SELECT r.*, d.name AS dataset_name, d.size, d.channels FROM runs r JOIN datasets d ON d.id = r.dataset_id WHERE r.id = ?')
    .get(runId) as RunWithShape | undefined;
}

/** The status of a run, or undefined when there is no such run. */
export function runStatus(db: Db, runId: number): RunStatus | undefined {
  return db.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(runId) as RunStatus | undefined;
}

/** The dataset a run was trained on, or undefined when there is no such run. */
export function datasetOfRun(db: Db, runId: number): number | undefined {
  return db.prepare('SELECT dataset_id FROM runs WHERE id = ?').pluck().get(runId) as number | undefined;
}

/** What a run's tools need of its dataset; undefined when there is no such run. */
export interface RunDataset {
  id: number;
  size: number;
  channels: 1 | 3;
  /** The dataset's attribute names. */
  attributes: string[];
  /** Moves whenever the dataset is reimported. */
  updatedAt: string;
}

export function runDataset(db: Db, runId: number): RunDataset | undefined {
  const row = db
    .prepare('SELECT d.id, d.size, d.channels, d.attributes, d.updated_at AS updatedAt FROM runs r JOIN datasets d ON d.id = r.dataset_id WHERE r.id = ?')
    .get(runId) as (Omit<RunDataset, 'attributes'> & { attributes: string }) | undefined;
  return row && { ...row, attributes: JSON.parse(row.attributes) as string[] };
}

/** How many distinct datasets these runs belong to. */
export function datasetCountOfRuns(db: Db, runIds: readonly number[]): number {
  return db.prepare('SELECT count(DISTINCT dataset_id) FROM runs WHERE id IN (SELECT value FROM json_each(?))').pluck().get(JSON.stringify(runIds)) as number;
}

/** Runs marked queued or running, with the process that owns each. */
export function liveRuns(db: Db): { id: number; pid: number | null }[] {
  return db.prepare("SELECT id, pid FROM runs WHERE status IN ('queued', 'running')").all() as { id: number; pid: number | null }[];
}

/** Marks these runs interrupted, those still queued or running. */
export function markRunsInterrupted(db: Db, runIds: readonly number[]): void {
  const mark = db.prepare(`UPDATE runs SET status = 'interrupted', pid = NULL, updated_at = ${now} WHERE id = ? AND status IN ('queued', 'running')`);
  db.transaction(() => runIds.forEach((id) => mark.run(id)))();
}

/** A new queued run row, owned by `pid` until the trainer takes it over; returns its id. */
export function createRun(db: Db, datasetId: number, config: { model: string }, pid: number): number {
  return Number(db.prepare("INSERT INTO runs (dataset_id, model, config, status, pid) VALUES (?, ?, ?, 'queued', ?)").run(datasetId, config.model, JSON.stringify(config), pid).lastInsertRowid);
}

export function setRunStatus(db: Db, runId: number, status: RunStatus, fields: { pid?: number | null; backend?: string; error?: string | null } = {}): void {
  const sets = ['status = @status', `updated_at = ${now}`];
  if (fields.pid !== undefined) sets.push('pid = @pid');
  if (fields.backend !== undefined) sets.push('backend = @backend');
  if (fields.error !== undefined) sets.push('error = @error');
  db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = @id`).run({ id: runId, status, pid: fields.pid ?? null, backend: fields.backend ?? null, error: fields.error ?? null });
}

/** Replaces the stored config (resuming with more epochs). */
export function updateRunConfig(db: Db, runId: number, config: object): void {
  db.prepare('UPDATE runs SET config = ? WHERE id = ?').run(JSON.stringify(config), runId);
}

export function renameRun(db: Db, runId: number, name: string | null): void {
  db.prepare(`UPDATE runs SET name = ?, updated_at = ${now} WHERE id = ?`).run(name, runId);
}

/** Deletes a run; foreign keys cascade to its metrics, weights, codes, scores and projections. */
export function deleteRun(db: Db, runId: number): void {
  db.prepare('DELETE FROM runs WHERE id = ?').run(runId);
}

/** Records a finished epoch's count and adds its training time. */
export function recordEpochsDone(db: Db, runId: number, epochsDone: number, seconds: number): void {
  db.prepare(`UPDATE runs SET epochs_done = ?, seconds = seconds + ?, updated_at = ${now} WHERE id = ?`).run(epochsDone, seconds, runId);
}

export function parseOutcome(text: string | null): RunOutcome | null {
  return text === null ? null : (JSON.parse(text) as RunOutcome);
}

export function readOutcome(db: Db, runId: number): RunOutcome | null {
  return parseOutcome((db.prepare('SELECT outcome FROM runs WHERE id = ?').pluck().get(runId) as string | null | undefined) ?? null);
}

/** Records how training ended (null while it runs again after a resume). */
export function writeOutcome(db: Db, runId: number, outcome: RunOutcome | null): void {
  db.prepare('UPDATE runs SET outcome = ? WHERE id = ?').run(outcome === null ? null : JSON.stringify(outcome), runId);
}

const metricsColumns = `epoch, train_loss AS trainLoss, val_loss AS valLoss, val_mse AS valMse, val_kl AS valKl,
  samples_per_second AS samplesPerSecond, seconds`;

/** Every finished epoch of a run, in order. */
export function runMetrics(db: Db, runId: number): EpochMetrics[] {
  return db.prepare(`SELECT ${metricsColumns} FROM metrics WHERE run_id = ? ORDER BY epoch`).all(runId) as EpochMetrics[];
}

/** The run's last finished epoch, if any. */
export function lastMetrics(db: Db, runId: number): EpochMetrics | undefined {
  return db.prepare(`SELECT ${metricsColumns} FROM metrics WHERE run_id = ? ORDER BY epoch DESC LIMIT 1`).get(runId) as EpochMetrics | undefined;
}

/** The metrics of the epoch whose weights the run kept (early stopping keeps the best), else the last. */
export function keptMetrics(db: Db, runId: number): EpochMetrics | undefined {
  const best = readOutcome(db, runId)?.bestEpoch;
  const row = best === undefined ? undefined : (db.prepare(`SELECT ${metricsColumns} FROM metrics WHERE run_id = ? AND epoch = ?`).get(runId, best) as EpochMetrics | undefined);
  return row ?? lastMetrics(db, runId);
}

export function writeMetrics(db: Db, runId: number, epochs: EpochMetrics[]): void {
  const insert = db.prepare(
    `INSERT OR REPLACE INTO metrics (run_id, epoch, train_loss, val_loss, val_mse, val_kl, samples_per_second, seconds)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const m of epochs) insert.run(runId, m.epoch, m.trainLoss, m.valLoss, m.valMse, m.valKl, m.samplesPerSecond, m.seconds);
}
