import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { createApi } from '../../src-main/api/create-api.ts';
import { startServer } from '../../src-main/server/server.ts';
import { seedDatabase } from '../helpers/api-samples.ts';
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
  const wrongCookie = await request('/api/listDatasets', { method: 'POST', headers: { Cookie: `latent_lab_token_${port}=nope`, 'Content-Type': 'application/json' }, body: '{}' });
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
    assert.equal(first.headers.location, '/');
    const cookie = first.headers['set-cookie']![0];
    assert.match(cookie, new RegExp(`^latent_lab_token_${server.port}=${server.token};`));
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    const page = await request('/', { port: server.port, headers: { Cookie: cookie.split(';')[0] } });
    assert.equal(page.status, 200);
    assert.match(page.body, /Latent Lab/);
    const csp = String(page.headers['content-security-policy']);
    for (const directive of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"]) assert.ok(csp.includes(directive), directive);
    assert.doesNotMatch(csp, /unsafe-eval|script-src[^;]*unsafe-inline/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.equal(page.headers['x-frame-options'], 'DENY');
    const script = await request('/assets/app.js', { port: server.port, headers: { Cookie: cookie.split(';')[0] } });
    assert.equal(script.status, 200);
    assert.match(String(script.headers['content-type']), /text\/javascript/);
    for (const target of ['/assets/%2e%2e/%2e%2e/secret.txt', '/../secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      assertNothingLeaked(await request(target, { port: server.port, headers: { Cookie: cookie.split(';')[0] } }), target);
    }
  } finally {
    await server.close();
    await api.close();
  }
});
