import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { WebSocket } from 'ws';
import type { ApiEvents } from '../../src-main/contract/contract.ts';
import { createApi, type Api } from '../../src-main/api/create-api.ts';
import { methodNames, type MethodName } from '../../src-main/contract/method-names.ts';
import { startServer, type RunningServer } from '../../src-main/server/server.ts';
import { createClient, type Client } from '../../src-renderer/api/create-client.ts';
import { httpTransport, type OpenSocket } from '../../src-renderer/api/transport.ts';
import { sampleInputs, seedDatabase } from '../helpers/api-samples.ts';
import { tempDir } from '../helpers/tmp.ts';

// Registered before tempDir's own cleanup, so trainers stop before their database folder goes.
after(async () => {
  await server.close();
  await api.close();
});

const dir = tempDir();
const seed = seedDatabase(dir);
const received = new Map<string, unknown>();
let api: Api;
let server: RunningServer;
let client: Client;

const openNodeSocket: OpenSocket = (url, on) => {
  const socket = new WebSocket(url, { headers: { Origin: url.replace(/^ws/, 'http').replace(/\/api\/events.*$/, '') } });
  socket.on('open', on.open);
  socket.on('message', (data) => on.message(String(data)));
  socket.on('close', on.close);
  socket.on('error', () => undefined);
  return socket;
};

before(async () => {
  api = createApi({ dbPath: seed.dbPath, host: { kind: 'server' }, log: () => undefined });
  // Records what reaches the API object, to prove the transport delivered each call intact.
  const recording: Api = { ...api, call: (method, input) => (received.set(method, input), api.call(method, input)) };
  server = await startServer({ api: recording, rendererDir: path.join(dir, 'no-renderer') });
  client = createClient(httpTransport({ base: server.origin, socketBase: server.origin, token: server.token, openSocket: openNodeSocket }));
});

test('every method in the table reaches the API through HTTP with its input intact', async () => {
  const inputs = sampleInputs({ ...seed, dir });
  for (const method of methodNames) {
    const call = client.api[method] as (input: unknown) => Promise<unknown>;
    const outcome = await call(inputs[method]).then(
      (result) => ({ result }),
      (error: { code: string; message: string }) => ({ error }),
    );
    assert.deepEqual(received.get(method), inputs[method], `${method}: input arrived unchanged`);
    if ('error' in outcome) {
      assert.ok(!['unknown_method', 'invalid_input', 'refused', 'network', 'http_error'].includes(outcome.error.code), `${method}: ${outcome.error.code} ${outcome.error.message}`);
      assert.doesNotMatch(outcome.error.message, /\n\s+at /, `${method}: no stack trace`);
    }
  }
  assert.deepEqual([...received.keys()].sort(), [...methodNames].sort());
});

test('read-only methods answer the same over HTTP as in process', async () => {
  const inputs = sampleInputs({ ...seed, dir });
  const readOnly: MethodName[] = ['appInfo', 'listDatasets', 'getDataset', 'listItems', 'listRuns', 'getRun'];
  for (const method of readOnly) {
    const call = client.api[method] as (input: unknown) => Promise<unknown>;
    const direct = await api.call(method, inputs[method]);
    assert.ok('result' in direct, `${method} works in process`);
    assert.deepEqual(await call(inputs[method]), direct.result, method);
  }
  const items = await client.api.listItems({ datasetId: seed.datasetId, label: 'cats' });
  assert.equal(items.total, 2);
  assert.deepEqual(
    items.items.map((item) => item.path),
    ['cats/a.png', 'cats/b.png'],
  );
});

test('bad input comes back as a typed error a person can act on', async () => {
  await assert.rejects(client.api.getRun({ runId: -3 }), (error: { code: string; message: string }) => {
    assert.equal(error.code, 'invalid_input');
    assert.match(error.message, /runId/);
    return true;
  });
  await assert.rejects(client.api.getRun({ runId: 4242 }), { code: 'not_found', message: /Run 4242 does not exist/ });
  await assert.rejects(client.api.renameRun({ runId: seed.runId, name: '   ' }), { code: 'invalid_input', message: /cannot be empty/ });
});

test('events published by the API arrive over the WebSocket, typed by name', async () => {
  const got = new Promise<unknown>((resolve) => {
    const stop = client.onEvent('run.status', (data) => {
      stop();
      resolve(data);
    });
  });
  // The socket connects asynchronously; publish until the page hears it.
  const payload = { runId: seed.runId, status: 'running' as const, error: null, backend: 'cpu', note: null };
  const timer = setInterval(() => api.events.emit('run.status', payload), 20);
  try {
    assert.deepEqual(await got, payload);
  } finally {
    clearInterval(timer);
  }
});

test('item images are served by id as PNG', async () => {
  const response = await fetch(client.imageUrl(seed.itemIds[1]));
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'image/png');
  const bytes = Buffer.from(await response.arrayBuffer());
  assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
});

test('an import started over HTTP returns a job id at once and reports through events', async () => {
  const folder = path.join(dir, 'shapes');
  for (const [label, shade] of [['light', 220], ['dark', 30]] as const) {
    fs.mkdirSync(path.join(folder, label), { recursive: true });
    for (let i = 0; i < 2; i++) {
      await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: shade, g: shade + i, b: shade } } }).png().toFile(path.join(folder, label, `${i}.png`));
    }
  }
  const events: string[] = [];
  const stopAll = client.onAnyEvent((event) => events.push(event.type));
  let jobId = '';
  const unsubscribe: (() => void)[] = [];
  const finished = new Promise<ApiEvents['import.finished']>((resolve, reject) => {
    unsubscribe.push(client.onEvent('import.finished', (data) => data.jobId === jobId && resolve(data)));
    unsubscribe.push(client.onEvent('import.failed', (data) => data.jobId === jobId && reject(new Error(data.error.message))));
  });
  await new Promise((resolve) => setTimeout(resolve, 100)); // let the socket connect
  ({ jobId } = await client.api.startImport({ folder, name: 'shapes', size: 8 }));
  const { summary } = await finished;
  for (const stop of [stopAll, ...unsubscribe]) stop();
  assert.equal(summary.items, 4);
  assert.deepEqual(summary.labels, ['dark', 'light']);
  assert.ok(events.includes('import.progress'));

  const atlas = await client.api.getAtlas({ datasetId: summary.dataset });
  assert.equal(atlas.itemIds.length, 4);
  const page = await fetch(client.atlasUrl(summary.dataset, atlas.tiles[0].tile, 0));
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'image/webp');
  const drawnOnRequest = await fetch(client.atlasUrl(summary.dataset, atlas.tiles[1].tile, 0));
  assert.equal(drawnOnRequest.status, 200, 'larger tiles are drawn on first request');
  const missingPage = await fetch(client.atlasUrl(summary.dataset, atlas.tiles[0].tile, 99));
  assert.equal(missingPage.status, 404);
});
