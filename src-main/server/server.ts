/**
 * `latent-lab serve`: the app and its API over HTTP, events over a WebSocket.
 *
 * Access control. Every request needs the token printed at start (or kept in
 * --token-file): as `Authorization: Bearer`, `X-Latent-Lab-Token`, `?token=`,
 * or the page's cookie. Cookies ignore ports, so a cookie scoped to Path=/
 * would also be sent to every other service on 127.0.0.1 (a dev server,
 * another user's process), handing it the whole API. So the page does not
 * live at `/`: the first visit (`/?token=T`) is redirected to a secret folder
 * derived from the token, `/lab-<22 chars>/`, and the cookie is scoped to that
 * Path. A browser sends it only to URLs under that folder, which no other
 * service's pages link to or can guess (132 bits), and our responses carry
 * Referrer-Policy: no-referrer, so the folder does not leak through links.
 * The renderer addresses everything relative to its folder, so images, the
 * WebSocket and downloads carry the cookie with no token in their URLs.
 * A tab from an earlier start gets 401/403 `bad_token` and reloads, showing
 * the refusal; with --token-file the token, folder and cookie survive a
 * restart and open tabs keep working.
 *
 * Host, Origin and Sec-Fetch-Site checks (request-guard.ts) refuse DNS
 * rebinding and cross-site requests even with a valid token.
 */
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
import { appPathOf, newToken } from './token.ts';

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
  /** The secret folder the page lives under (its cookie is scoped to it). */
  appPath: string;
  origin: string;
  port: number;
  token: string;
  /** The renderer was found (false until `npm run build` has run). */
  hasRenderer: boolean;
  close(): Promise<void>;
}

const apiMethodPath = /^\/api\/([A-Za-z]{1,64})$/;
/** The folder part of a page's URL (token.ts appPathOf). */
const appFolder = /^\/lab-[A-Za-z0-9_-]{22}\//;

/** Starts the server: the renderer and the API over HTTP, events over a WebSocket, all behind one token. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newToken();
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  const log = options.log ?? consoleLogger;
  const files = staticFileTable(options.rendererDir);
  const eventSocket = new EventSocket(options.api.events);
  const appPath = appPathOf(token);
  const guard: GuardConfig = { token, boundHost: host, cookieName: 'latent_lab_token' };

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
      // First visit: keep the token in a strict, HttpOnly cookie only our folder receives, and take it out of the address bar.
      res.writeHead(303, { Location: appPath, 'Set-Cookie': `${guard.cookieName}=${token}; HttpOnly; SameSite=Strict; Path=${appPath}`, 'Cache-Control': 'no-store' });
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
      return sendError(res, refusal.status, refusal.code, refusal.message);
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
  // A wildcard bind is reached on loopback here (serve also prints the network addresses).
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const origin = `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    appPath,
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

/**
 * The request's path and query, only in origin form ("/..."); "//host/x" stays a path, never a host.
 * Under an app folder, paths mean what they mean at the root ("/lab-x/api/events" is "/api/events"):
 * the folder only scopes the cookie, the token is what is checked, so a tab from an earlier start
 * (another folder) gets the API's own refusal and reloads.
 */
function requestUrl(req: IncomingMessage): URL | null {
  const target = req.url ?? '';
  if (!target.startsWith('/')) return null;
  try {
    return new URL(`http://request${target.replace(appFolder, '/')}`);
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
