import type { ChildLike } from '../engine/launcher.ts';
import type { Db } from '../store/open.ts';
import type { HostKind } from '../contract/contract.ts';
import type { Logger } from './errors.ts';
import type { EventHub } from './events.ts';
import type { RunCache } from './run-cache.ts';
import type { StoreWatch } from './store-watch.ts';

/** What differs between front doors: who is hosting, and the native pieces only Electron has. */
export interface ApiHost {
  kind: HostKind;
  /** Native folder chooser; absent outside Electron. Resolves null when cancelled. */
  pickFolder?: (title?: string) => Promise<string | null>;
  /** Native Save dialog; absent outside Electron. The only source of a path the API writes to. */
  pickSaveFile?: (defaultName?: string) => Promise<string | null>;
  /** Starts the trainer process; default child_process.fork (Electron passes a utilityProcess adapter). */
  fork?: (entry: string) => ChildLike;
}

/** A long operation running in the background, stoppable by id. */
export interface RunningTraining {
  stop(): unknown;
  done: Promise<unknown>;
}

/** Everything a handler may use. One per API instance (per app, per server). */
export interface ApiContext {
  dbPath: string;
  cacheDir: string;
  db: Db;
  events: EventHub;
  /** Announces changes to datasets and runs (datasets.changed, runs.changed); handlers call check() after writing. */
  storeWatch: StoreWatch;
  host: ApiHost;
  log: Logger;
  imports: Map<string, AbortController>;
  trainings: Map<number, RunningTraining>;
  /** At most this many trainer processes at once (LATENT_LAB_MAX_TRAININGS, serve --max-trainings; default 1). */
  maxTrainings: number;
  /** Runs waiting for a free slot, in order (status 'queued'). */
  queuedTrainings: number[];
  /** UMAPs computing on worker threads; close() aborts them. */
  projections: Set<AbortController>;
  /** The last few runs' codes and models, for the latent tools; freed on close. */
  runs: RunCache;
}
