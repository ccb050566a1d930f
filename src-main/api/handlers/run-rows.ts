import type { Db } from '../../store/open.ts';
import { keptMetrics, parseOutcome, runMetrics, runRow, runRows, type RunRow } from '../../store/runs.ts';
import type { RunDetail, RunSummary } from '../../contract/contract.ts';
import { notFound } from '../errors.ts';

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

export function listRunRows(db: Db, datasetId?: number): RunSummary[] {
  return runRows(db, datasetId).map((row) => toSummary(db, row));
}

export function getRunRow(db: Db, runId: number): RunDetail {
  const row = runRow(db, runId);
  if (!row) throw notFound(`Run ${runId}`);
  return { ...toSummary(db, row), metrics: runMetrics(db, runId) };
}
