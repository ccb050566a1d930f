import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createApi, maxTrainingsFromEnv, type Api } from '../../src-main/api/create-api.ts';
import type { ApiEvent } from '../../src-main/contract/contract.ts';
import { resolveConfig } from '../../src-main/engine/config.ts';
import type { ChildLike } from '../../src-main/engine/launcher.ts';
import { checkTrainingMemory, estimateTrainingMemory } from '../../src-main/engine/memory-estimate.ts';
import { setRunStatus } from '../../src-main/store/runs.ts';
import type { ChildMessage, ParentMessage } from '../../src-main/engine/trainer-messages.ts';
import { openStore } from '../../src-main/store/open.ts';
import { seedDatabase } from '../helpers/api-samples.ts';
import { tempDir } from '../helpers/tmp.ts';

const seed = seedDatabase(tempDir());
/** Runs whose trainer process was started, in order. */
const started: number[] = [];
const events: ApiEvent[] = [];
let api: Api;

/** A stand-in trainer: marks its run running on start, and stopped (then exits) on stop. */
function fakeTrainer(): ChildLike {
  let runId = 0;
  let onMessage: (message: ChildMessage) => void = () => undefined;
  let onExit: (code: number | null, signal: string | null) => void = () => undefined;
  const setStatus = (status: 'running' | 'stopped') => {
    const db = openStore(seed.dbPath);
    setRunStatus(db, runId, status, { pid: status === 'running' ? process.pid : null });
    db.close();
    onMessage({ type: 'event', event: { type: 'status', status } });
  };
  return {
    pid: process.pid,
    send(message: ParentMessage) {
      if (message.type === 'start') {
        runId = message.runId;
        started.push(runId);
        setStatus('running');
      } else {
        setImmediate(() => (setStatus('stopped'), onExit(0, null)));
      }
    },
    onMessage: (listener) => (onMessage = listener),
    onExit: (listener) => (onExit = listener),
  };
}

before(() => {
  api = createApi({ dbPath: seed.dbPath, host: { kind: 'server', fork: fakeTrainer }, log: () => undefined, maxTrainings: 1 });
  api.events.subscribe((event) => events.push(event));
});

after(() => api.close());

const statusOf = async (runId: number) => (await api.invoke('getRun', { runId })).status;
const ended = (runId: number) =>
  new Promise<void>((resolve) => api.events.subscribe((e) => e.type === 'run.status' && e.data.runId === runId && e.data.status === 'stopped' && resolve()));

test('one training at a time: the others wait as queued, a stopped queued run is cancelled, the next starts when a slot frees', async () => {
  const config = { model: 'ae' as const, latent: 2, epochs: 1 };
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push((await api.invoke('startTraining', { datasetId: seed.datasetId, config })).runId);
  const [first, second, third] = runs;
  assert.deepEqual(started, [first], 'only one trainer process started');
  assert.deepEqual(await Promise.all(runs.map(statusOf)), ['running', 'queued', 'queued']);
  assert.ok(events.some((e) => e.type === 'run.status' && e.data.runId === third && e.data.status === 'queued'), 'the page hears that it waits');
  await assert.rejects(api.invoke('deleteRun', { runId: second }), { code: 'busy' });

  assert.deepEqual(await api.invoke('stopTraining', { runId: third }), { stopping: true });
  assert.equal(await statusOf(third), 'stopped', 'cancelled before it started');

  const firstEnded = ended(first);
  await api.invoke('stopTraining', { runId: first });
  await firstEnded;
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(started, [first, second], 'the queued run took the free slot; the cancelled one never started');
  assert.equal(await statusOf(second), 'running');
  const secondEnded = ended(second);
  await api.invoke('stopTraining', { runId: second });
  await secondEnded;
});

test('a run that cannot fit in memory is refused before anything is recorded, naming the option to change', async () => {
  const before = (await api.invoke('listRuns', {})).length;
  const huge = { model: 'deep-ae', latent: 16, hidden: Array<number>(16).fill(8192), batch: 65_536 };
  const outcome = await api.call('startTraining', { datasetId: seed.datasetId, config: huge });
  assert.ok('error' in outcome, 'refused');
  assert.equal(outcome.error.code, 'too_big');
  assert.match(outcome.error.message, /would need about [\d.]+ GiB.*lower --batch \(now 65536\), or --hidden/s);
  assert.equal((await api.invoke('listRuns', {})).length, before, 'no run recorded');
});

test('the estimate counts parameters exactly and grows with the batch', () => {
  const shape = { size: 28, channels: 1 as const };
  // ae: 784 -> 16 -> 784, weights and biases.
  const ae = estimateTrainingMemory(resolveConfig({ model: 'ae', latent: 16, batch: 100 }, shape), shape);
  assert.equal(ae.parameters, 784 * 16 + 16 + 16 * 784 + 784);
  const doubled = estimateTrainingMemory(resolveConfig({ model: 'ae', latent: 16, batch: 200 }, shape), shape);
  assert.equal(doubled.activationBytes, 2 * ae.activationBytes);
  // vae: 784 -> 64 -> (16 mean + 16 logvar); 16 -> 64 -> 784.
  const vae = estimateTrainingMemory(resolveConfig({ model: 'vae', latent: 16, hidden: [64] }, shape), shape);
  assert.equal(vae.parameters, 784 * 64 + 64 + 64 * 32 + 32 + 16 * 64 + 64 + 64 * 784 + 784);
  const conv = resolveConfig({ model: 'conv-ae', latent: 8, filters: [4, 8], batch: 10 }, shape);
  assert.ok(estimateTrainingMemory(conv, shape).totalBytes < 50e6);
  assert.throws(() => checkTrainingMemory(conv, shape, 1000), { code: 'too_big', message: /--filters/ });
});

test('LATENT_LAB_MAX_TRAININGS sets the limit, checked', () => {
  assert.equal(maxTrainingsFromEnv({}), 1);
  assert.equal(maxTrainingsFromEnv({ LATENT_LAB_MAX_TRAININGS: '3' }), 3);
  assert.throws(() => maxTrainingsFromEnv({ LATENT_LAB_MAX_TRAININGS: '0' }), /LATENT_LAB_MAX_TRAININGS must be a whole number of 1 or more/);
});
