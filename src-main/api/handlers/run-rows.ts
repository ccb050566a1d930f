import type { Db } from '../../store/open.ts';
import { listRunSummaries, readRunSummary, runMetrics } from '../../store/runs.ts';
import type { RunDetail } from '../../contract/contract.ts';
import { notFound } from '../errors.ts';

export const listRunRows = listRunSummaries;

export function getRunRow(db: Db, runId: number): RunDetail {
  const summary = readRunSummary(db, runId);
  if (!summary) throw notFound(`Run ${runId}`);
  return { ...summary, metrics: runMetrics(db, runId) };
}
