import { fork as forkProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.ts';
import { siblingEntry } from '../worker-thread.ts';
import { datasetById } from '../store/datasets.ts';
import { datasetLabels, trainingItemCount, unlabelledItemCount } from '../store/items.ts';
import { openStore, type Db } from '../store/open.ts';
import { createRun, renameRun, setRunStatus, updateRunConfig } from '../store/runs.ts';
import { resolveConfig, type TrainConfig, type TrainOptions } from './config.ts';
import type { RunSummary } from '../contract/contract.ts';
import type { TrainEvent } from './events.ts';
import { checkTrainingMemory } from './memory-estimate.ts';
import { familyOf } from './models/registry.ts';
import { readRun } from './run-record.ts';
import { markInterruptedRuns, runSummary } from './runs.ts';
import type { ChildMessage, ParentMessage } from './trainer-messages.ts';

/** The trainer process as the launcher sees it; adapters exist for child_process and Electron's utilityProcess. */
export interface ChildLike {
  readonly pid?: number;
  send(message: ParentMessage): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  /** Lines the child wrote to stdout/stderr (optional). */
  onOutput?(listener: (line: string) => void): void;
}

export interface LaunchOptions {
  dbPath: string;
  /** Dataset id (new runs). */
  dataset?: number;
  /** Training options (validated; defaults filled for the image size). With `resume`, only epochs and backend may change. */
  config?: TrainOptions;
  /** Continue this run from its last finished epoch. */
  resume?: number;
  /** A name for a new run (also accepted as config.name). */
  name?: string;
  fork?: (entry: string) => ChildLike;
}

export interface TrainingHandle {
  runId: Promise<number>;
  /** Subscribes to the run's events; returns the unsubscribe function. */
  onEvent(listener: (event: TrainEvent) => void): () => void;
  /** Finishes the current batch, saves, and marks the run stopped. */
  stop(): void;
  /** Resolves when the trainer process has exited, with the run's stored summary (status says how it ended). */
  done: Promise<RunSummary>;
}

export const trainerEntry = fileURLToPath(siblingEntry(import.meta.url, 'trainer-process').url);

/** child_process.fork (through tsx from a source checkout), output captured so it never mixes with the CLI's stdout. */
export function nodeFork(entry: string): ChildLike {
  const child = forkProcess(entry, [], { execArgv: entry.endsWith('.ts') ? ['--import', 'tsx'] : [], silent: true });
  return {
    pid: child.pid,
    // A trainer exiting as the message goes cannot take it (EPIPE); its exit reaches onExit, so the error is dropped.
    send: (message) => {
      if (child.connected) child.send(message, () => undefined);
    },
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.on('exit', listener),
    onOutput: (listener) => {
      for (const stream of [child.stdout, child.stderr]) {
        if (stream) readline.createInterface({ input: stream }).on('line', listener);
      }
    },
  };
}

const RESUME_OVERRIDES = new Set(['epochs', 'backend', 'threads']);

function prepareResume(db: Db, runId: number, options: TrainOptions): number {
  const run = readRun(db, runId);
  if (run.status === 'running' || run.status === 'queued') {
    throw new UserError(`Run ${runId} is still ${run.status} (process ${run.pid}); stop it first.`, 'run_busy');
  }
  const changed = Object.keys(options).filter((key) => !RESUME_OVERRIDES.has(key) && options[key as keyof TrainOptions] !== undefined);
  if (changed.length > 0) {
    throw new UserError(`--resume continues run ${runId} with its own settings; only --epochs, --backend and --threads can change (not ${changed.map((k) => `--${k}`).join(', ')}).`, 'bad_config');
  }
  const checked = resolveConfig({ model: run.model, ...options }, { size: run.size, channels: run.channels });
  const config: TrainConfig = {
    ...run.config,
    epochs: options.epochs === undefined ? run.config.epochs : checked.epochs,
    // A new total from the user is exact: no early stop, no time bound left over from the plan.
    ...(options.epochs === undefined ? {} : { earlyStop: false, maxMinutes: null }),
    backend: options.backend === undefined ? run.config.backend : checked.backend,
  };
  if (run.status === 'completed' && config.epochs <= run.epochsDone) {
    throw new UserError(`Run ${runId} already finished its ${run.epochsDone} epochs; pass --epochs N with N > ${run.epochsDone} to train it further.`, 'run_done');
  }
  checkTrainingMemory(config, { size: run.size, channels: run.channels });
  updateRunConfig(db, runId, config);
  setRunStatus(db, runId, 'queued', { pid: process.pid, error: null });
  return runId;
}

function prepareNew(db: Db, datasetId: number, options: TrainOptions, name: string | null): number {
  const dataset = datasetById(db, datasetId);
  if (!dataset) throw new UserError(`There is no dataset ${datasetId}; \`latent-lab datasets\` lists them.`, 'not_found');
  const shape = { size: dataset.size, channels: dataset.channels, count: trainingItemCount(db, datasetId) };
  let config = resolveConfig(options, shape);
  if (familyOf(config.model).conditional) {
    const labels = datasetLabels(db, datasetId);
    const unlabelled = unlabelledItemCount(db, datasetId);
    if (labels.length < 2 || unlabelled > 0) {
      throw new UserError(
        `${config.model} needs labelled images (one subfolder per class, at least 2 classes); dataset ${datasetId} has ${labels.length} label(s) and ${unlabelled} unlabelled image(s).`,
        'bad_config',
      );
    }
    config = { ...config, labels };
  }
  checkTrainingMemory(config, shape);
  const runId = createRun(db, datasetId, config, process.pid);
  if (name) renameRun(db, runId, name);
  return runId;
}

/**
 * Validates the request (options, dataset, the memory the run would need) and
 * records the run as queued; starts nothing. Throws a UserError, recording
 * nothing, when the dataset, run or options are bad. Returns the run id.
 */
export function prepareTraining(options: Omit<LaunchOptions, 'fork'>): number {
  const db = openStore(options.dbPath);
  try {
    markInterruptedRuns(db);
    const { name, ...config } = (options.config ?? {}) as TrainOptions & { name?: unknown };
    const runName = options.name ?? (typeof name === 'string' ? name : null);
    if (options.resume !== undefined) return prepareResume(db, options.resume, config);
    if (options.dataset !== undefined) return prepareNew(db, options.dataset, config, runName);
    throw new UserError('Give a dataset to train on, or --resume RUN.', 'bad_request');
  } finally {
    db.close();
  }
}

/** Validates and records the run (prepareTraining), then starts its trainer at once. */
export function launchTraining(options: LaunchOptions): TrainingHandle {
  return startTrainer(options.dbPath, prepareTraining(options), options.fork);
}

/** Starts a trainer process for a run prepareTraining recorded. */
export function startTrainer(dbPath: string, runId: number, fork: (entry: string) => ChildLike = nodeFork): TrainingHandle {
  const events = new EventEmitter();
  let lastError: string | null = null;
  const child = fork(trainerEntry);
  child.onOutput?.((line) => {
    if (line.trim() !== '') events.emit('event', { type: 'log', message: line } satisfies TrainEvent);
  });
  child.onMessage((raw) => {
    const message = raw as ChildMessage;
    if (message.type === 'event') events.emit('event', message.event);
    if (message.type === 'failed') lastError = message.error;
  });
  const done = new Promise<RunSummary>((resolve, reject) => {
    child.onExit((code, signal) => {
      try {
        const after = openStore(dbPath);
        try {
          const status = readRun(after, runId).status;
          if (status === 'running' || status === 'queued') {
            if (signal) setRunStatus(after, runId, 'interrupted', { pid: null, error: `trainer process killed by ${signal}` });
            else setRunStatus(after, runId, 'failed', { pid: null, error: lastError ?? `trainer process exited with code ${code}` });
          }
          const summary = runSummary(after, runId);
          resolve(lastError && summary.status === 'failed' ? { ...summary, error: lastError } : summary);
        } finally {
          after.close();
        }
      } catch (error) {
        reject(error as Error);
      }
    });
  });
  child.send({ type: 'start', dbPath, runId });
  return {
    runId: Promise.resolve(runId),
    onEvent(listener) {
      events.on('event', listener);
      return () => events.off('event', listener);
    },
    stop() {
      child.send({ type: 'stop' });
    },
    done,
  };
}
