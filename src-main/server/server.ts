import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Api } from '../api/create-api.ts';
import { consoleLogger, toErrorBody, type Logger } from '../api/errors.ts';
import { EventSocket, refuseUpgrade } from './event-socket.ts';
import { HttpError, readJsonBody, sendError, sendJson, statusOf } from './http-util.ts';
import { mediaRoute } from './media-routes.ts';
import { refuse, type GuardConfig } from './request-guard.ts';
import { baseSecurityHeaders, contentSecurityPolicy } from './security-headers.ts';
import { staticFileTable, type StaticFile } from './static-files.ts';
import { newToken } from './token.ts';

export interface ServerOptions {
  api: Api;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** The built renderer (vite build's out/renderer). */
  rendererDir: string;
  token?: string;
  /** Largest accepted JSON body, in bytes. */
  bodyLimit?: number;
  log?: Logger;
}

export interface RunningServer {
  /** The address to open, token included. */
  url: string;
  origin: string;
  port: number;
  token: string;
  /** The renderer was found (false until `npm run build` has run). */
  hasRenderer: boolean;
  close(): Promise<void>;
}

const apiMethodPath = /^\/api\/([A-Za-z]{1,64})$/;

/** `latent-lab serve`: the renderer and the API over HTTP, events over a WebSocket, all behind one per-start token. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newToken();
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  const log = options.log ?? consoleLogger;
  const files = staticFileTable(options.rendererDir);
  const eventSocket = new EventSocket(options.api.events);
  let guard: GuardConfig = { token, boundHost: host, cookieName: 'latent_lab_token' };

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = apiMethodPath.exec(url.pathname);
    if (method) {
      if (req.method !== 'POST') return sendError(res, 405, 'method_not_allowed', 'Call API methods with POST and a JSON body.');
      const input = await readJsonBody(req, bodyLimit);
      const outcome = await options.api.call(method[1], input);
      return sendJson(res, 'error' in outcome ? statusOf(outcome.error) : 200, outcome);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'POST') return sendError(res, 405, 'method_not_allowed', 'Only GET and POST are served here.');
    if (url.pathname.startsWith('/api/')) return mediaRoute(options.api.context, req, url, res);
    if (req.method === 'POST') return sendError(res, 405, 'method_not_allowed', 'Only the API takes a POST.');
    if (url.searchParams.has('token')) {
      // First visit: keep the token in a strict, HttpOnly cookie and take it out of the address bar.
      res.writeHead(303, { Location: '/', 'Set-Cookie': `${guard.cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`, 'Cache-Control': 'no-store' });
      return void res.end();
    }
    const file = files.get(url.pathname);
    if (file) return sendFile(res, file);
    if (files.size === 0) return sendText(res, 503, 'The Latent Lab page is not built yet: run `npm run build`, then restart `latent-lab serve`.');
    return sendText(res, 404, 'Not found.');
  }

  const server = http.createServer((req, res) => {
    for (const [name, value] of Object.entries(baseSecurityHeaders)) res.setHeader(name, value);
    const url = requestUrl(req);
    if (!url) return sendText(res, 400, 'Bad request target.');
    const refusal = refuse(req, url, guard);
    if (refusal) {
      req.resume();
      res.setHeader('Connection', 'close');
      if (!url.pathname.startsWith('/api/')) return sendText(res, refusal.status, `Latent Lab: ${refusal.message}`);
      return sendError(res, refusal.status, 'refused', refusal.message);
    }
    route(req, res, url).catch((error: unknown) => {
      if (error instanceof HttpError) {
        res.setHeader('Connection', 'close');
        return sendError(res, error.status, error.code, error.message);
      }
      const body = toErrorBody(error, log, `${req.method} ${url.pathname}`);
      if (res.headersSent) return void res.destroy();
      sendJson(res, statusOf(body), { error: body });
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const url = requestUrl(req);
    if (url?.pathname !== '/api/events') return refuseUpgrade(socket, 404, 'Not found.');
    const refusal = refuse(req, url, guard);
    if (refusal) return refuseUpgrade(socket, refusal.status, refusal.message);
    eventSocket.accept(req, socket, head);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  // Cookies are shared between ports of one host, so each server names its own.
  guard = { ...guard, cookieName: `latent_lab_token_${port}` };
  // A wildcard bind is reached on loopback here (serve also prints the network addresses).
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const origin = `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    hasRenderer: files.size > 0,
    close: () =>
      new Promise<void>((resolve) => {
        eventSocket.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The request's path and query, only in origin form ("/..."); "//host/x" stays a path, never a host. */
function requestUrl(req: IncomingMessage): URL | null {
  const target = req.url ?? '';
  if (!target.startsWith('/')) return null;
  try {
    return new URL(`http://request${target}`);
  } catch {
    return null;
  }
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

function sendFile(res: ServerResponse, file: StaticFile): void {
  const headers: Record<string, string> = { 'Content-Type': file.contentType, 'Cache-Control': 'no-cache' };
  if (file.contentType.startsWith('text/html')) headers['Content-Security-Policy'] = contentSecurityPolicy();
  res.writeHead(200, headers);
  fs.createReadStream(file.file).pipe(res);
}
