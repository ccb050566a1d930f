import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import type { ApiEvent, LatentLabBridge } from '../../src-main/contract/contract.ts';
import { methodNames } from '../../src-main/contract/method-names.ts';
import { startElectronApp, type RunningShell } from '../../src-main/electron/app.ts';
import { exposeApi } from '../../src-main/electron/bridge.ts';
import { trainerEntry } from '../../src-main/engine/launcher.ts';
import { sqliteBindingVariable } from '../../src-main/store/open.ts';
import { createClient } from '../../src-renderer/api/create-client.ts';
import { electronTransport } from '../../src-renderer/api/transport.ts';
import { sampleInputs, seedDatabase } from '../helpers/api-samples.ts';
import { createElectronStub, type ElectronStub, type FakeWebContents } from '../helpers/electron-stub.ts';
import { tempDir } from '../helpers/tmp.ts';

let stub: ElectronStub;
let shell: RunningShell;
let bridge: LatentLabBridge;

// Registered before tempDir's own cleanup, so trainers stop before their database folder goes.
after(async () => {
  await shell.api.close();
});

const userData = tempDir();
const seed = seedDatabase(userData, 'latent-lab.db');
const rendererDir = path.join(userData, 'renderer');
fs.mkdirSync(rendererDir);
fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Latent Lab</title>');
fs.writeFileSync(path.join(userData, 'secret.txt'), 'TOP-SECRET');
const files = {
  rendererDir,
  preload: '/app/out/electron/preload.cjs',
  trainer: '/app/out/electron/trainer.cjs',
  sqliteBinding: '/app/out/native/electron-45.6.1-linux-x64/better_sqlite3.node',
};

before(async () => {
  delete process.env.LATENT_LAB_DB;
  stub = createElectronStub({ userData, trainerSource: trainerEntry });
  shell = (await startElectronApp(stub.main, files))!;
  bridge = exposeApi(stub.preload);
});

test('the window: context isolation, sandbox, no Node, web security, our preload, loaded from latent://app', () => {
  assert.equal(stub.windows.length, 1);
  const prefs = stub.windows[0].options.webPreferences!;
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.nodeIntegrationInWorker, false);
  assert.equal(prefs.nodeIntegrationInSubFrames, false);
  assert.equal(prefs.webSecurity, true);
  assert.equal(prefs.allowRunningInsecureContent, false);
  assert.equal(prefs.webviewTag, false);
  assert.equal(prefs.preload, files.preload);
  assert.equal(stub.windows[0].loadedUrl, 'latent://app/index.html');
  assert.ok(stub.calls.includes('app.enableSandbox'));
  assert.ok(stub.calls.indexOf('protocol.registerSchemesAsPrivileged') < stub.calls.indexOf('app.whenReady'), 'scheme privileges are registered before ready');
  assert.deepEqual(stub.privilegedSchemes, [{ scheme: 'latent', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);
  assert.equal(shell.api.context.dbPath, path.join(userData, 'latent-lab.db'), 'the database lives in userData');
});

test('a strict CSP on every response and on the page itself', async () => {
  let headers: Record<string, string[]> | undefined;
  stub.headersReceived!({ responseHeaders: { 'Content-Type': ['text/html'] } }, (response) => (headers = response.responseHeaders));
  const [csp] = headers!['Content-Security-Policy'];
  for (const directive of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'none'"]) {
    assert.ok(csp.includes(directive), `${directive} in ${csp}`);
  }
  assert.doesNotMatch(csp, /unsafe-eval|script-src[^;]*unsafe-inline/);
  const page = await stub.protocolHandlers.get('latent')!(new Request('latent://app/index.html'));
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-security-policy'), csp);
  assert.match(await page.text(), /Latent Lab/);
});

test('permissions are denied, navigation and new windows are blocked, webviews refused', () => {
  const answers: boolean[] = [];
  for (const permission of ['media', 'geolocation', 'notifications', 'openExternal']) stub.permissionRequest!({}, permission, (granted) => answers.push(granted), {});
  assert.deepEqual(answers, [false, false, false, false]);
  assert.equal(stub.permissionCheck!({}, 'media', 'latent://app', {}), false);

  const contents = stub.windows[0].webContents as FakeWebContents;
  const navigate = (event: string, url: string) => {
    let prevented = false;
    contents.emit(event, { preventDefault: () => (prevented = true) }, url);
    return prevented;
  };
  assert.equal(navigate('will-navigate', 'https://evil.example/'), true);
  assert.equal(navigate('will-navigate', 'file:///etc/passwd'), true);
  assert.equal(navigate('will-redirect', 'http://127.0.0.1:8080/'), true);
  assert.equal(navigate('will-navigate', 'latent://app/index.html'), false);
  assert.equal(navigate('will-attach-webview', 'https://evil.example/'), true);
  assert.deepEqual(contents.windowOpenHandler!({ url: 'https://example.org/paper' }), { action: 'deny' });
  assert.deepEqual(contents.windowOpenHandler!({ url: 'file:///etc/passwd' }), { action: 'deny' });
  assert.deepEqual(contents.windowOpenHandler!({ url: 'mailto:someone@example.org' }), { action: 'deny' });
  assert.deepEqual(stub.opened, [], 'no URL the page asks for is opened on the desktop');
});

test('the preload exposes exactly one function per API method and an event subscription, never ipcRenderer', () => {
  assert.deepEqual([...stub.exposed.keys()], ['latentLab']);
  const exposed = stub.exposed.get('latentLab') as Record<string, unknown>;
  assert.deepEqual(Object.keys(exposed).sort(), ['api', 'onEvent']);
  const api = exposed.api as Record<string, unknown>;
  assert.deepEqual(Object.keys(api).sort(), [...methodNames].sort());
  for (const method of methodNames) assert.equal(typeof api[method], 'function', method);
  assert.equal(typeof exposed.onEvent, 'function');
  assert.equal([...stub.ipcHandlers.keys()].length, methodNames.length, 'one IPC handler per method, no others');
});

test('every method in the table reaches the API through the preload and IPC with its input intact', async () => {
  const received = new Map<string, unknown>();
  const call = shell.api.call;
  shell.api.call = (method, input) => (received.set(method, input), call(method, input));
  stub.dialogAnswer = { canceled: false, filePaths: ['/data/faces'], filePath: '/data/out.csv' };
  try {
    const client = createClient(electronTransport(bridge));
    const inputs = sampleInputs({ ...seed, dir: userData });
    for (const method of methodNames) {
      const outcome = await (client.api[method] as (input: unknown) => Promise<unknown>)(inputs[method]).then(
        (result) => ({ result }),
        (error: { code: string; message: string }) => ({ error }),
      );
      assert.deepEqual(received.get(method), inputs[method], `${method}: input arrived unchanged`);
      if ('error' in outcome) assert.ok(!['unknown_method', 'invalid_input', 'refused'].includes(outcome.error.code), `${method}: ${outcome.error.code} ${outcome.error.message}`);
    }
    assert.deepEqual((await client.api.pickFolder()).path, '/data/faces', 'native dialog answers through the API');
    assert.equal((await client.api.appInfo()).host, 'electron');
    assert.equal((await client.api.appInfo()).nativeDialogs, true);
  } finally {
    shell.api.call = call;
    stub.dialogAnswer = { canceled: true };
  }
});

test('IPC from any frame but our own page is refused before the API runs', async () => {
  for (const url of ['https://evil.example/', 'file:///tmp/x.html', 'latent://evil/index.html', 'http://127.0.0.1:4178/', null]) {
    stub.senderUrl = url;
    const outcome = await bridge.api.listDatasets({});
    assert.deepEqual('error' in outcome && outcome.error.code, 'refused', String(url));
  }
  stub.senderUrl = 'latent://app/index.html';
  const outcome = await bridge.api.listDatasets({});
  // our own page gets the datasets (the seeded one; the earlier test's demo import may have added its own by now)
  assert.ok('result' in outcome && outcome.result.some((dataset) => dataset.name === 'tiny'), JSON.stringify(outcome).slice(0, 400));
});

test('API events reach the page through webContents.send and the bridge', () => {
  const got: ApiEvent[] = [];
  const stop = bridge.onEvent((event) => got.push(event));
  shell.api.events.emit('import.progress', { jobId: 'j', phase: 'decode', done: 1, total: 2, ratePerSecond: null, etaSeconds: null });
  stop();
  shell.api.events.emit('import.progress', { jobId: 'j', phase: 'decode', done: 2, total: 2, ratePerSecond: null, etaSeconds: null });
  assert.deepEqual(got, [{ type: 'import.progress', data: { jobId: 'j', phase: 'decode', done: 1, total: 2, ratePerSecond: null, etaSeconds: null } }]);
});

test('latent://app serves images by item id only; paths, other hosts and traversal get nothing', async () => {
  const handle = stub.protocolHandlers.get('latent')!;
  const image = await handle(new Request(`latent://app/api/items/${seed.itemIds[0]}/image.png`));
  assert.equal(image.status, 200);
  assert.equal(image.headers.get('content-type'), 'image/png');
  for (const url of [
    'latent://app/../secret.txt',
    'latent://app/api/items/..%2f..%2fsecret.txt/image.png',
    `latent://app/api/items/${encodeURIComponent(path.join(userData, 'secret.txt'))}/image.png`,
    'latent://app/secret.txt',
    'latent://item/1',
    'latent://evil/index.html',
    'latent://app/api/items/999999/image.png',
  ]) {
    const response = await handle(new Request(url));
    assert.equal(response.status, 404, url);
    assert.doesNotMatch(await response.text(), /TOP-SECRET/);
  }
});

test('the application menu has the usual shortcuts and sends its actions to the page', () => {
  const menu = stub.menu as { label?: string; role?: string; submenu?: { label?: string; accelerator?: string; role?: string; click?: () => void }[] }[];
  const file = menu.find((m) => m.label === 'File')!;
  const open = file.submenu!.find((item) => item.label === 'Open Folder…')!;
  assert.equal(open.accelerator, 'CmdOrCtrl+O');
  assert.ok(menu.some((m) => m.role === 'editMenu'));
  assert.ok(menu.find((m) => m.label === 'View')!.submenu!.some((item) => item.role === 'togglefullscreen'));
  const got: ApiEvent[] = [];
  const stop = bridge.onEvent((event) => got.push(event));
  open.click!();
  stop();
  assert.deepEqual(got, [{ type: 'menu', data: { action: 'openFolder' } }]);
});

test('training from the window runs the trainer as a utility process and streams its events', async () => {
  const statuses: string[] = [];
  let runId = 0;
  const finished = new Promise<void>((resolve) => {
    const stop = bridge.onEvent((event) => {
      if (event.type !== 'run.status' || event.data.runId !== runId) return;
      statuses.push(event.data.status);
      if (['completed', 'failed'].includes(event.data.status)) {
        stop();
        resolve();
      }
    });
  });
  const started = await bridge.api.startTraining({ datasetId: seed.datasetId, config: { model: 'pca', latent: 2 } });
  assert.ok('result' in started, JSON.stringify(started));
  runId = started.result.runId;
  await finished;
  assert.equal(statuses.at(-1), 'completed', statuses.join(', '));
  const fork = stub.forks.at(-1)!;
  assert.equal(fork.modulePath, files.trainer, 'the bundled trainer is what runs in the app');
  const { env, ...options } = fork.options as { env: NodeJS.ProcessEnv };
  assert.deepEqual(options, { serviceName: 'Latent Lab trainer', stdio: 'pipe' });
  assert.equal(env[sqliteBindingVariable], files.sqliteBinding, "the trainer opens the store with Electron's build of better-sqlite3");
  assert.equal(process.env[sqliteBindingVariable], files.sqliteBinding, 'so does the main process');
});

test('Export CSV writes only where the native Save dialog answered; the page cannot name a file', async () => {
  const chosen = path.join(userData, 'chosen.csv');
  const named = path.join(userData, 'named-by-page.csv');
  const runs = await bridge.api.listRuns({});
  const trained = 'result' in runs ? runs.result.find((run) => run.model === 'pca' && run.status === 'completed') : undefined;
  assert.ok(trained, 'the run trained from the window');
  const runId = trained.id;
  stub.dialogAnswer = { canceled: false, filePath: chosen };
  try {
    const refused = await (bridge.api.exportCsv as (input: unknown) => Promise<{ error?: { code: string } }>)({ runId, path: named });
    assert.equal(refused.error?.code, 'invalid_input');
    assert.equal(fs.existsSync(named), false);
    const saved = await bridge.api.exportCsv({ runId });
    assert.ok('result' in saved && saved.result?.path === chosen, JSON.stringify(saved));
    assert.match(fs.readFileSync(chosen, 'utf8'), /^# latent-lab run \d+; x,y,z: pca projection .*\nid,path,label/);
    stub.dialogAnswer = { canceled: true };
    assert.deepEqual(await bridge.api.exportCsv({ runId }), { result: null });
  } finally {
    stub.dialogAnswer = { canceled: true };
  }
});

test('a database from a newer Latent Lab is reported in a dialog and the app quits, touching nothing', async () => {
  const other = tempDir();
  const file = path.join(other, 'latent-lab.db');
  const db = new Database(file);
  db.pragma('user_version = 999');
  db.close();
  const second = createElectronStub({ userData: other, trainerSource: trainerEntry });
  assert.equal(await startElectronApp(second.main, files), null);
  assert.ok(second.calls.includes('dialog.showErrorBox Latent Lab cannot open its database'), second.calls.join(', '));
  assert.ok(second.calls.includes('app.quit'));
  assert.equal(second.windows.length, 0);
});
