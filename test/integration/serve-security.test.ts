import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { createApi } from '../../src-main/api/create-api.ts';
import { defaultRendererDir } from '../../src-main/server/renderer-dir.ts';
import { startServer } from '../../src-main/server/server.ts';
import { seedDatabase } from '../helpers/api-samples.ts';
import { launchChromium, startServe } from '../helpers/browser.ts';
import { repoRoot } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const seed = seedDatabase(dir);
const secret = 'TOP-SECRET-DO-NOT-SERVE';
fs.writeFileSync(path.join(dir, 'secret.txt'), secret);
fs.mkdirSync(path.join(dir, 'images', 'cats'), { recursive: true });
fs.writeFileSync(path.join(dir, 'images', 'cats', 'a.png'), secret);

let serve: ChildProcess;
let port = 0;
let token = '';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw HTTP request: node:http sends the path and headers exactly as given (no URL normalisation). */
function request(target: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; port?: number } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: options.port ?? port, path: target, method: options.method ?? 'GET', headers: { Host: `127.0.0.1:${options.port ?? port}`, ...options.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('latin1') }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const auth = () => ({ Authorization: `Bearer ${token}` });
const json = (body: unknown) => ({ method: 'POST', headers: { ...auth(), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

function assertNothingLeaked(reply: Reply, what: string): void {
  assert.notEqual(reply.status, 200, `${what} must not succeed`);
  assert.ok(!reply.body.includes(secret) && !reply.body.includes('root:x:') && !reply.body.includes('"devDependencies"'), `${what} leaked a file`);
}

before(async () => {
  serve = spawn(process.execPath, [path.join(repoRoot, 'bin/latent-lab.js'), '--db', seed.dbPath, 'serve', '--port', '0'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise<URL>((resolve, reject) => {
    serve.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Open (http:\S+)/.exec(out);
      if (match) resolve(new URL(match[1]));
    });
    serve.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
  port = Number(url.port);
  token = url.searchParams.get('token')!;
  assert.equal(url.hostname, '127.0.0.1', 'binds loopback by default');
  assert.ok(token.length >= 32);
});

after(() => {
  serve.kill('SIGINT');
});

test('a good request works', async () => {
  const reply = await request('/api/listDatasets', json({}));
  assert.equal(reply.status, 200, reply.body);
  assert.equal(JSON.parse(reply.body).result[0].name, 'tiny');
});

test('requests without the token, or with a wrong one, are refused everywhere', async () => {
  for (const target of ['/', '/index.html', '/api/listDatasets', `/api/items/${seed.itemIds[0]}/image.png`, '/api/events']) {
    const none = await request(target, { method: target === '/api/listDatasets' ? 'POST' : 'GET', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    assert.equal(none.status, 401, `${target} without token`);
    const wrong = await request(`${target}?token=${token.slice(0, -1)}x`);
    assert.equal(wrong.status, 403, `${target} with a wrong token`);
    const wrongHeader = await request(target, { headers: { Authorization: 'Bearer nope' } });
    assert.equal(wrongHeader.status, 403);
  }
  const wrongCookie = await request('/api/listDatasets', { method: 'POST', headers: { Cookie: 'latent_lab_token=nope', 'Content-Type': 'application/json' }, body: '{}' });
  assert.equal(wrongCookie.status, 403);
});

test('a foreign Host (DNS rebinding) and a foreign Origin or site are refused, even with the token', async () => {
  for (const host of [`evil.example:${port}`, `127.0.0.1.evil.example:${port}`, 'evil.example', `localhost.:${port}`]) {
    const reply = await request('/api/listDatasets', { ...json({}), headers: { ...json({}).headers, Host: host } });
    assert.equal(reply.status, 421, `Host ${host}`);
  }
  for (const origin of ['http://evil.example', `http://127.0.0.1:${port + 1}`, 'null', `https://127.0.0.1:${port}`]) {
    const reply = await request('/api/listDatasets', { ...json({}), headers: { ...json({}).headers, Origin: origin } });
    assert.equal(reply.status, 403, `Origin ${origin}`);
  }
  const crossSite = await request(`/api/items/${seed.itemIds[0]}/image.png`, { headers: { ...auth(), 'Sec-Fetch-Site': 'same-site' } });
  assert.equal(crossSite.status, 403);
  const sameOrigin = await request('/api/listDatasets', { ...json({}), headers: { ...json({}).headers, Origin: `http://127.0.0.1:${port}`, 'Sec-Fetch-Site': 'same-origin' } });
  assert.equal(sameOrigin.status, 200);
  const tunnel = await request('/api/listDatasets', { ...json({}), headers: { ...json({}).headers, Host: 'localhost:9999', Origin: 'http://localhost:9999' } });
  assert.equal(tunnel.status, 200, 'an SSH tunnel on another local port still works');
});

test('image routes take numbers only: traversal, absolute and encoded paths serve nothing', async () => {
  const attempts = [
    '/api/items/../../secret.txt',
    '/api/items/..%2f..%2fsecret.txt/image.png',
    '/api/items/%2e%2e/%2e%2e/secret.txt',
    '/api/items/%2E%2E%2F%2E%2E%2Fsecret.txt/image.png',
    `/api/items/${seed.itemIds[0]}/..%2f..%2f..%2fpackage.json`,
    `/api/items/${seed.itemIds[0]}/../../../package.json`,
    '/api/items//etc/passwd/image.png',
    '/api/items/%2fetc%2fpasswd/image.png',
    `/api/items/${encodeURIComponent(path.join(dir, 'secret.txt'))}/image.png`,
    '/api/items/-1/image.png',
    '/api/items/1e3/image.png',
    `/api/datasets/${seed.datasetId}/atlas/32/..%2f..%2f..%2fsecret.webp`,
    `/api/datasets/${seed.datasetId}/atlas/../../../secret.txt`,
    `/api/datasets/${seed.datasetId}/atlas/33/0.webp`,
    '/../package.json',
    '/%2e%2e/package.json',
    '/..%2fpackage.json',
    '//etc/passwd',
    '/etc/passwd',
    `/${encodeURIComponent(path.join(dir, 'secret.txt'))}`,
  ];
  for (const target of attempts) {
    assertNothingLeaked(await request(target, { headers: auth() }), target);
  }
  const good = await request(`/api/items/${seed.itemIds[0]}/image.png`, { headers: auth() });
  assert.equal(good.status, 200);
  assert.equal(good.headers['content-type'], 'image/png');
  assert.ok(!good.body.includes(secret), 'the image comes from the pixel cache, not the source file');
  const missing = await request('/api/items/999999/image.png', { headers: auth() });
  assert.equal(missing.status, 404);
});

test('oversized, malformed and mistyped bodies are refused, then good requests still work', async () => {
  const big = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) });
  const tooBig = await request('/api/listDatasets', { ...json({}), body: big });
  assert.equal(tooBig.status, 413);
  const malformed = await request('/api/listDatasets', { ...json({}), body: '{"datasetId": 1,' });
  assert.equal(malformed.status, 400);
  assert.equal(JSON.parse(malformed.body).error.code, 'malformed_json');
  const form = await request('/api/listDatasets', { method: 'POST', headers: { ...auth(), 'Content-Type': 'text/plain' }, body: '{}' });
  assert.equal(form.status, 415);
  const wrongShape = await request('/api/getRun', json({ runId: '1; DROP TABLE runs' }));
  assert.equal(wrongShape.status, 400);
  assert.equal(JSON.parse(wrongShape.body).error.code, 'invalid_input');
  const unknown = await request('/api/constructor', json({}));
  assert.equal(unknown.status, 404);
  const viaGet = await request('/api/listDatasets', { headers: auth() });
  assert.equal(viaGet.status, 405);
  for (const reply of [tooBig, malformed, form, wrongShape, unknown]) assert.doesNotMatch(reply.body, /\n\s+at |node_modules|\.ts:\d+/, 'no stack traces');

  const good = await request('/api/getRun', json({ runId: seed.runId }));
  assert.equal(good.status, 200);
  assert.equal(JSON.parse(good.body).result.metrics.length, 2);
});

test('the event WebSocket needs the token and our own origin', async () => {
  const open = (query: string, origin: string) =>
    new Promise<string>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/api/events${query}`, { headers: { Origin: origin } });
      socket.on('open', () => (socket.close(), resolve('open')));
      socket.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
      socket.on('error', () => resolve('error'));
    });
  const self = `http://127.0.0.1:${port}`;
  assert.equal(await open('', self), '401');
  assert.equal(await open('?token=wrong', self), '403');
  assert.equal(await open(`?token=${token}`, 'http://evil.example'), '403');
  assert.equal(await open(`?token=${token}`, self), 'open');
});

test('the page: token moves into a strict HttpOnly cookie, and HTML carries CSP, nosniff and no framing', async () => {
  const rendererDir = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Latent Lab</title>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  const api = createApi({ dbPath: seed.dbPath, host: { kind: 'server' }, log: () => undefined });
  const server = await startServer({ api, rendererDir });
  try {
    const first = await request(`/?token=${server.token}`, { port: server.port });
    assert.equal(first.status, 303);
    assert.match(server.appPath, /^\/lab-[A-Za-z0-9_-]{22}\/$/);
    assert.equal(first.headers.location, server.appPath, 'the page lives under a secret folder');
    const cookie = first.headers['set-cookie']![0];
    assert.match(cookie, new RegExp(`^latent_lab_token=${server.token};`));
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(cookie, new RegExp(`Path=${server.appPath}(;|$)`), 'the cookie goes only to that folder, not to other services on 127.0.0.1');
    const page = await request(server.appPath, { port: server.port, headers: { Cookie: cookie.split(';')[0] } });
    assert.equal(page.status, 200);
    assert.match(page.body, /Latent Lab/);
    const csp = String(page.headers['content-security-policy']);
    for (const directive of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"]) assert.ok(csp.includes(directive), directive);
    assert.doesNotMatch(csp, /unsafe-eval|script-src[^;]*unsafe-inline/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.equal(page.headers['x-frame-options'], 'DENY');
    const script = await request(`${server.appPath}assets/app.js`, { port: server.port, headers: { Cookie: cookie.split(';')[0] } });
    assert.equal(script.status, 200);
    assert.match(String(script.headers['content-type']), /text\/javascript/);
    for (const target of ['/assets/%2e%2e/%2e%2e/secret.txt', '/../secret.txt', '/assets/..%2f..%2fsecret.txt', `${server.appPath}..%2f..%2fsecret.txt`, `${server.appPath}../secret.txt`]) {
      assertNothingLeaked(await request(target, { port: server.port, headers: { Cookie: cookie.split(';')[0] } }), target);
    }
  } finally {
    await server.close();
    await api.close();
  }
});

test('exportCsv over HTTP takes no path: a page (or a leaked token) cannot write files', async () => {
  const target = path.join(dir, 'written-by-the-page.csv');
  const withPath = await request('/api/exportCsv', json({ runId: seed.runId, path: target }));
  assert.equal(withPath.status, 400);
  assert.equal(JSON.parse(withPath.body).error.code, 'invalid_input');
  const relative = await request('/api/exportCsv', json({ runId: seed.runId, path: 'x.csv' }));
  assert.equal(relative.status, 400);
  const noDialog = await request('/api/exportCsv', json({ runId: seed.runId }));
  assert.equal(JSON.parse(noDialog.body).error.code, 'unsupported', 'a browser downloads /api/runs/N/export.csv instead');
  assert.equal(fs.existsSync(target), false);
  assert.equal(fs.existsSync(path.join(repoRoot, 'x.csv')), false);
});

/** A free TCP port on 127.0.0.1 (for a server that must come back on the same port). */
async function freePort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const free = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return free;
}

function assertRendererBuilt(): void {
  assert.ok(fs.existsSync(path.join(defaultRendererDir, 'index.html')), 'the Chromium tests need the page: run `npm run build` first');
}

test('in Chromium, the token cookie goes only to our folder, never to another service on 127.0.0.1', async () => {
  assertRendererBuilt();
  const seen: string[] = [];
  const other = http.createServer((req, res) => {
    seen.push(`${req.url} cookie=${req.headers.cookie ?? ''}`);
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>another local service</title>');
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  const otherPort = (other.address() as AddressInfo).port;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/?token=${token}`);
    await page.getByText('tiny').first().waitFor();
    const folder = new URL(page.url()).pathname;
    assert.match(folder, /^\/lab-[A-Za-z0-9_-]{22}\/$/, 'the app moved under its secret folder');
    const cookies = await page.context().cookies();
    assert.deepEqual(
      cookies.map((c) => [c.name, c.path, c.httpOnly]),
      [['latent_lab_token', folder, true]],
      'the browser holds the token, scoped to that folder',
    );
    for (const target of ['/', '/api/listDatasets', '/index.html', folder.replace(/[^/]+\/$/, '')]) await page.goto(`http://127.0.0.1:${otherPort}${target}`);
    await page.evaluate(() => fetch('/api/events', { credentials: 'include' }).then((r) => r.text()));
    assert.ok(seen.length >= 5, seen.join('\n'));
    for (const line of seen) assert.ok(!line.includes(token), `another port received the token: ${line}`);
  } finally {
    await browser.close();
    other.close();
  }
});

test('serve --token-file keeps an open tab working across a restart; a tab from another start reloads and says why', async () => {
  assertRendererBuilt();
  const tokenFile = path.join(dir, 'serve-token');
  const args = ['--port', String(await freePort()), '--token-file', tokenFile];
  let served = await startServe(seed.dbPath, {}, args);
  const browser = await launchChromium();
  try {
    const kept = new URL(served.url).searchParams.get('token')!;
    assert.equal(fs.statSync(tokenFile).mode & 0o777, 0o600, 'created readable by its owner only');
    assert.equal(fs.readFileSync(tokenFile, 'utf8').trim(), kept);
    const page = await browser.newPage();
    await page.goto(served.url);
    await page.getByText('tiny').first().waitFor();

    await served.stop();
    served = await startServe(seed.dbPath, {}, args);
    assert.equal(new URL(served.url).searchParams.get('token'), kept, 'the same token after a restart');
    await page.reload();
    await page.getByText('tiny').first().waitFor();
    assert.equal(await page.evaluate(() => fetch('api/listDatasets', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }).then((r) => r.status)), 200);

    await served.stop();
    served = await startServe(seed.dbPath, {}, args.slice(0, 2));
    assert.notEqual(new URL(served.url).searchParams.get('token'), kept, 'without --token-file, a new token');
    const reloaded = page.waitForEvent('load');
    await page.click('[data-tab=train]');
    await reloaded;
    assert.match(await page.innerText('body'), /Wrong access token.*restarted.*open the link it printed last/s);
  } finally {
    await browser.close();
    await served.stop();
  }
});

test('serve --open hands the browser a private file, never the token on a command line', async () => {
  const bin = path.join(dir, 'fake-bin');
  const record = path.join(dir, 'xdg-open-call');
  fs.mkdirSync(bin, { recursive: true });
  // Stands in for xdg-open: records its arguments, and the file it was given with its mode.
  fs.writeFileSync(
    path.join(bin, 'xdg-open'),
    `#!/bin/sh\nprintf '%s\\n' "$@" > "${record}.args"\ncat "$1" > "${record}.html"\nstat -c %a "$1" > "${record}.mode"\n`,
    { mode: 0o755 },
  );
  const served = await startServe(seed.dbPath, { PATH: `${bin}:${process.env.PATH}` }, ['--open']);
  try {
    const opened = new URL(served.url);
    const servedToken = opened.searchParams.get('token')!;
    for (let waited = 0; !fs.existsSync(`${record}.mode`) && waited < 300; waited++) await new Promise((resolve) => setTimeout(resolve, 100));
    const args = fs.readFileSync(`${record}.args`, 'utf8');
    assert.ok(!args.includes(servedToken), `the token is on xdg-open's command line: ${args}`);
    assert.match(args.trim(), /latent-lab-open-.*\.html$/);
    assert.equal(fs.readFileSync(`${record}.mode`, 'utf8').trim(), '600');
    assert.ok(fs.readFileSync(`${record}.html`, 'utf8').includes(JSON.stringify(served.url)), 'the file sends the browser to the tokened link');
  } finally {
    await served.stop();
  }
});

test('a non-loopback --host warns that the token grants full control; 127.x names are not loopback', async () => {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/latent-lab.js'), '--db', seed.dbPath, 'serve', '--port', '0', '--host', '127.evil.invalid'], { cwd: repoRoot });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.notEqual(code, 0, 'the name does not resolve, so serve stops');
  assert.match(output, /WARNING: binding 127\.evil\.invalid exposes Latent Lab to the network/);
  assert.match(output, /token grants full control\s+of the app's data/);
  assert.match(output, /no address 127\.evil\.invalid; check --host/);
});
