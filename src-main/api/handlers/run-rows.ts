import { keptMetrics, parseOutcome, type MetricsRow } from '../../engine/runs.ts';
import type { Db } from '../../store/open.ts';
import type { EpochMetrics, RunDetail, RunStatus, RunSummary } from '../../contract/contract.ts';
import { notFound } from '../errors.ts';

interface RunRow {
  id: number;
  dataset_id: number;
  name: string | null;
  model: string;
  config: string;
  status: RunStatus;
  backend: string | null;
  epochs_done: number;
  seconds: number;
  error: string | null;
  outcome: string | null;
  created_at: string;
  updated_at: string;
}

function toMetrics(row: MetricsRow): EpochMetrics {
  return {
    epoch: row.epoch,
    trainLoss: row.train_loss,
    valLoss: row.val_loss,
    valMse: row.val_mse,
    valKl: row.val_kl,
    samplesPerSecond: row.samples_per_second,
    seconds: row.seconds,
  };
}

function parseConfig(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function toSummary(row: RunRow, last: MetricsRow | undefined): RunSummary {
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
    last: last ? toMetrics(last) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function listRunRows(db: Db, datasetId?: number): RunSummary[] {
  const rows = (
    datasetId === undefined
      ? db.prepare('SELECT * FROM runs ORDER BY id DESC').all()
      : db.prepare('SELECT * FROM runs WHERE dataset_id = ? ORDER BY id DESC').all(datasetId)
  ) as RunRow[];
  return rows.map((row) => toSummary(row, keptMetrics(db, row.id)));
}

export function getRunRow(db: Db, runId: number): RunDetail {
  const row = db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
  if (!row) throw notFound(`Run ${runId}`);
  const metrics = (db.prepare('SELECT * FROM metrics WHERE run_id = ? ORDER BY epoch').all(runId) as MetricsRow[]).map(toMetrics);
  const summary = toSummary(row, undefined);
  const kept = keptMetrics(db, runId);
  return { ...summary, last: kept ? toMetrics(kept) : null, metrics };
}
