import type { RunStatus } from '../contract/contract.ts';
import { UserError } from '../errors.ts';
import type { Db } from '../store/open.ts';
import { runWithShape } from '../store/runs.ts';
import { upgradeStoredConfig, type TrainConfig } from './config.ts';

export type { RunStatus };

export interface RunRecord {
  id: number;
  datasetId: number;
  datasetName: string;
  size: number;
  channels: 1 | 3;
  model: TrainConfig['model'];
  config: TrainConfig;
  status: RunStatus;
  backend: string | null;
  pid: number | null;
  epochsDone: number;
  seconds: number;
  error: string | null;
}

/** One run with its dataset's image shape; a UserError naming the id when there is none. */
export function readRun(db: Db, runId: number): RunRecord {
  const row = runWithShape(db, runId);
  if (!row) throw new UserError(`There is no run ${runId}; \`latent-lab runs\` lists them.`, 'not_found');
  return {
    id: row.id,
    datasetId: row.dataset_id,
    datasetName: row.dataset_name,
    size: row.size,
    channels: row.channels,
    model: row.model as TrainConfig['model'],
    config: upgradeStoredConfig(JSON.parse(row.config) as TrainConfig),
    status: row.status,
    backend: row.backend,
    pid: row.pid,
    epochsDone: row.epochs_done,
    seconds: row.seconds,
    error: row.error,
  };
}
