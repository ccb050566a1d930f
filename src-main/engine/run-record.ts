import type { RunStatus } from '../contract/contract.ts';
import { UserError } from '../errors.ts';
import type { Db } from '../store/open.ts';
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

interface Row {
  id: number;
  dataset_id: number;
  dataset_name: string;
  size: number;
  channels: 1 | 3;
  model: TrainConfig['model'];
  config: string;
  status: RunStatus;
  backend: string | null;
  pid: number | null;
  epochs_done: number;
  seconds: number;
  error: string | null;
}

/** One run with its dataset's image shape; a UserError naming the id when there is none. */
export function readRun(db: Db, runId: number): RunRecord {
  const row = db
    .prepare(
      `SELECT r.id, r.dataset_id, d.name AS dataset_name, d.size, d.channels, r.model, r.config, r.status,
              r.backend, r.pid, r.epochs_done, r.seconds, r.error
         FROM runs r JOIN datasets d ON d.id = r.dataset_id WHERE r.id = ?`,
    )
    .get(runId) as Row | undefined;
  if (!row) throw new UserError(`There is no run ${runId}; \`latent-lab runs\` lists them.`, 'not_found');
  return {
    id: row.id,
    datasetId: row.dataset_id,
    datasetName: row.dataset_name,
    size: row.size,
    channels: row.channels,
    model: row.model,
    config: upgradeStoredConfig(JSON.parse(row.config) as TrainConfig),
    status: row.status,
    backend: row.backend,
    pid: row.pid,
    epochsDone: row.epochs_done,
    seconds: row.seconds,
    error: row.error,
  };
}
