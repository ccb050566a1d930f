import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { TrainEvent } from '../../src-main/engine/events.ts';
import { launchTraining } from '../../src-main/engine/launcher.ts';
import { pixelCachePath } from '../../src-main/dataset/pixel-cache.ts';
import { cacheDirFor } from '../../src-main/paths.ts';
import { openStore } from '../../src-main/store/open.ts';
import { repoRoot, runCli } from '../helpers/cli.ts';
import { createSyntheticDataset } from '../helpers/synthetic-dataset.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
let dbCount = 0;
function dataset(count = 300) {
  return createSyntheticDataset(path.join(dir, `train-${++dbCount}.db`), { size: 12, count });
}

function query<T>(dbPath: string, sql: string, ...params: unknown[]): T {
  const db = openStore(dbPath);
  try {
    return db.prepare(sql).get(...params) as T;
  } finally {
    db.close();
  }
}

async function waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const value = probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function spawnCli(args: string[]): { child: ChildProcess; stdout: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/latent-lab.js'), ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.resume();
  return { child, stdout: () => out, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
}

test('a trainer process streams typed events and stores metrics, weights, embeddings and scores', async () => {
  const ds = dataset();
  const handle = launchTraining({ dbPath: ds.dbPath, dataset: ds.datasetId, config: { model: 'vae', epochs: 3, batch: 32 } });
  const events: TrainEvent[] = [];
  handle.onEvent((e) => events.push(e));
  const summary = await handle.done;
  const runId = await handle.runId;
  assert.equal(summary.status, 'completed');
  assert.equal(summary.id, runId);
  assert.equal(summary.epochsDone, 3);
  assert.ok(['tensorflow', 'wasm'].includes(summary.backend!), `backend ${summary.backend}`);
  assert.ok(summary.last!.valKl! > 0);
  const progress = events.filter((e) => e.type === 'progress');
  assert.ok(progress.length >= 3);
  for (const p of progress) {
    assert.ok(p.batch <= p.batches && p.epoch <= p.epochs && Number.isFinite(p.loss) && p.samplesPerSecond > 0 && p.etaSeconds >= 0);
  }
  assert.deepEqual(events.filter((e) => e.type === 'epoch').map((e) => e.epoch), [1, 2, 3]);
  assert.deepEqual(events.filter((e) => e.type === 'status').map((e) => e.status), ['running', 'completed']);
  const stored = query<Record<string, number>>(
    ds.dbPath,
    `SELECT (SELECT count(*) FROM metrics WHERE run_id = @run) AS metrics, (SELECT count(*) FROM embeddings WHERE run_id = @run) AS codes,
            (SELECT count(*) FROM scores WHERE run_id = @run AND neg_elbo IS NOT NULL) AS scores,
            (SELECT group_concat(part) FROM (SELECT part FROM weights WHERE run_id = @run ORDER BY part)) AS parts`,
    { run: runId },
  );
  assert.deepEqual({ ...stored }, { metrics: 3, codes: 300, scores: 300, parts: 'decoder,encoder,optimizer' });
  const config = JSON.parse(query<{ config: string }>(ds.dbPath, 'SELECT config FROM runs WHERE id = ?', runId).config) as { threadsUsed: number };
  if (summary.backend === 'wasm' && !process.env.LATENT_LAB_THREADS) {
    assert.equal(config.threadsUsed, Math.min(os.availableParallelism(), 8), 'a dense model trains on every core by default, and the run says so');
  }
});

test('stop finishes the batch, saves and marks the run stopped; --resume continues from the last finished epoch', async () => {
  const ds = dataset();
  const handle = launchTraining({ dbPath: ds.dbPath, dataset: ds.datasetId, config: { model: 'ae', epochs: 500, batch: 32 } });
  handle.onEvent((e) => {
    if (e.type === 'epoch' && e.epoch === 2) handle.stop();
  });
  const stopped = await handle.done;
  assert.equal(stopped.status, 'stopped');
  assert.ok(stopped.epochsDone >= 2 && stopped.epochsDone < 500, `stopped after ${stopped.epochsDone} epochs`);
  const runId = stopped.id;
  assert.equal(query<{ n: number }>(ds.dbPath, 'SELECT count(*) AS n FROM embeddings WHERE run_id = ?', runId).n, 300, 'a stopped run is explorable');

  assert.throws(() => launchTraining({ dbPath: ds.dbPath, resume: runId, config: { lr: 0.1 } }), /only --epochs, --backend and --threads can change \(not --lr\)/);
  const resumed = launchTraining({ dbPath: ds.dbPath, resume: runId, config: { epochs: stopped.epochsDone + 2 } });
  const logs: string[] = [];
  resumed.onEvent((e) => e.type === 'log' && logs.push(e.message));
  const done = await resumed.done;
  assert.equal(done.status, 'completed');
  assert.equal(done.id, runId);
  assert.equal(done.epochsDone, stopped.epochsDone + 2);
  assert.ok(logs.some((m) => m.includes(`resuming run ${runId} after epoch ${stopped.epochsDone}`)), logs.join('\n'));
  const epochs = query<{ list: string }>(ds.dbPath, 'SELECT group_concat(epoch) AS list FROM (SELECT epoch FROM metrics WHERE run_id = ? ORDER BY epoch)', runId).list;
  assert.equal(epochs, Array.from({ length: done.epochsDone }, (_, i) => i + 1).join(','));
});

test('kill -9 leaves the run running with a dead pid; the next open marks it interrupted and --resume finishes it', async () => {
  const ds = dataset();
  const cli = spawnCli(['--db', ds.dbPath, 'train', String(ds.datasetId), '--model', 'deep-ae', '--epochs', '500', '--batch', '32', '--json']);
  const run = await waitFor('two finished epochs', () =>
    query<{ id: number; pid: number; epochs_done: number; status: string } | undefined>(ds.dbPath, "SELECT id, pid, epochs_done, status FROM runs WHERE status = 'running' AND epochs_done >= 2"),
  );
  assert.notEqual(run.pid, cli.child.pid, 'training runs in its own process');
  // Freeze the CLI so it cannot react, then kill both the trainer and the CLI outright.
  process.kill(cli.child.pid!, 'SIGSTOP');
  process.kill(run.pid, 'SIGKILL');
  process.kill(cli.child.pid!, 'SIGKILL');
  await cli.exited;
  await waitFor('the trainer to die', () => {
    try {
      process.kill(run.pid, 0);
      return false;
    } catch {
      return true;
    }
  });
  assert.equal(query<{ status: string }>(ds.dbPath, 'SELECT status FROM runs WHERE id = ?', run.id).status, 'running');

  const listed = runCli(['--db', ds.dbPath, 'runs', '--json']);
  assert.equal(listed.status, 0, listed.stderr);
  const [row] = JSON.parse(listed.stdout) as { id: number; status: string }[];
  assert.equal(row.id, run.id);
  assert.equal(row.status, 'interrupted');
  const consistent = query<{ done: number; metric: number; weights: number }>(
    ds.dbPath,
    'SELECT r.epochs_done AS done, (SELECT max(epoch) FROM metrics WHERE run_id = r.id) AS metric, (SELECT epoch FROM weights WHERE run_id = r.id AND part = ?) AS weights FROM runs r WHERE id = ?',
    'encoder',
    run.id,
  );
  assert.equal(consistent.metric, consistent.done);
  assert.equal(consistent.weights, consistent.done);

  const resumed = runCli(['--db', ds.dbPath, 'train', '--resume', String(run.id), '--epochs', String(consistent.done + 1), '--json']);
  assert.equal(resumed.status, 0, resumed.stderr);
  const summary = JSON.parse(resumed.stdout) as Record<string, unknown>;
  assert.equal(summary.status, 'completed');
  assert.equal(summary.epochs, consistent.done + 1);
});

test('Ctrl-C (SIGINT) in the CLI stops after the batch, saves, and prints the --json summary', async () => {
  const ds = dataset();
  const cli = spawnCli(['--db', ds.dbPath, 'train', String(ds.datasetId), '--model', 'ae', '--epochs', '500', '--batch', '32', '--json']);
  await waitFor('a finished epoch', () => query<{ id: number } | undefined>(ds.dbPath, 'SELECT id FROM runs WHERE epochs_done >= 1'));
  process.kill(cli.child.pid!, 'SIGINT');
  assert.equal(await cli.exited, 0);
  const summary = JSON.parse(cli.stdout()) as Record<string, unknown>;
  assert.deepEqual(Object.keys(summary), [
    'run', 'dataset', 'model', 'recipe', 'latent', 'backend', 'status', 'epochs', 'stopReason', 'stopMessage', 'bestEpoch',
    'seconds', 'samplesPerSecond', 'trainLoss', 'valLoss', 'valMse', 'valKl', 'config',
  ]);
  assert.equal(summary.stopReason, 'user');
  assert.equal(summary.status, 'stopped');
  assert.equal(summary.model, 'ae');
  assert.equal(summary.valKl, null);
  assert.ok((summary.epochs as number) >= 1 && (summary.epochs as number) < 500);
  assert.equal(query<{ status: string; pid: number | null }>(ds.dbPath, 'SELECT status, pid FROM runs WHERE id = ?', summary.run).pid, null);
});

test('a run that fails in the trainer is marked failed with a message; bad options start nothing', async () => {
  const ds = dataset(30);
  assert.throws(() => launchTraining({ dbPath: ds.dbPath, dataset: ds.datasetId, config: { model: 'ae', latent: -1 } }), /invalid --latent/);
  assert.equal(query<{ n: number }>(ds.dbPath, 'SELECT count(*) AS n FROM runs').n, 0);
  fs.rmSync(pixelCachePath(cacheDirFor(ds.dbPath), ds.datasetId));
  const result = runCli(['--db', ds.dbPath, 'train', String(ds.datasetId), '--model', 'pca']);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /error: run 1 failed: The pixel cache of dataset 1 .* is missing; import the dataset again\./);
  assert.equal(query<{ status: string }>(ds.dbPath, 'SELECT status FROM runs WHERE id = 1').status, 'failed');
  const runs = runCli(['--db', ds.dbPath, 'runs']);
  assert.match(runs.stdout, /^\s+1\s+synthetic-12\s+pca\s+failed/m);
});
