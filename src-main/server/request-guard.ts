import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { tokensEqual } from './token.ts';

export interface GuardConfig {
  token: string;
  /** The address the server listens on. */
  boundHost: string;
  cookieName: string;
}

export interface Refusal {
  status: number;
  /** `bad_token` when the token is missing or wrong (a stale tab reloads and shows the message); `refused` otherwise. */
  code: 'bad_token' | 'refused';
  message: string;
}

const loopbackNames = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

const loopbackAddresses = new net.BlockList();
loopbackAddresses.addSubnet('127.0.0.0', 8, 'ipv4');
loopbackAddresses.addAddress('::1', 'ipv6');

/** True for 'localhost' and the loopback addresses (127.0.0.0/8, ::1, bracketed or not); never for names like 127.evil.com. */
export function isLoopback(host: string): boolean {
  const bare = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (bare === 'localhost') return true;
  const family = net.isIP(bare);
  return family !== 0 && loopbackAddresses.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/** The hostname part of a Host header ("[::1]:80" -> "[::1]"), lower case. */
function hostnameOf(hostHeader: string): string {
  const match = /^(\[[0-9a-f:.]+\]|[^:]+)(?::\d{1,5})?$/i.exec(hostHeader);
  return match ? match[1].toLowerCase() : '';
}

/**
 * DNS rebinding defence: a browser sends the name it resolved, so a foreign
 * domain pointing at us is refused. Only the name is checked, not the port:
 * an SSH tunnel may forward any local port to ours.
 */
export function hostAllowed(hostHeader: string | undefined, boundHost: string): boolean {
  if (!hostHeader) return false;
  const name = hostnameOf(hostHeader);
  if (!name) return false;
  if (loopbackNames.has(name)) return true;
  if (isLoopback(boundHost)) return false;
  const bare = name.replace(/^\[|\]$/g, '');
  return net.isIP(bare) !== 0 || name === os.hostname().toLowerCase() || name === boundHost.toLowerCase();
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The token a request carries: Authorization: Bearer, X-Latent-Lab-Token, ?token= or the session cookie. */
export function tokenOf(req: IncomingMessage, url: URL, cookieName: string): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const header = req.headers['x-latent-lab-token'];
  if (typeof header === 'string') return header;
  return url.searchParams.get('token') ?? cookieValue(req.headers.cookie, cookieName);
}

/** Checks every request (HTTP and WebSocket upgrade) before any route sees it; null means allowed. */
export function refuse(req: IncomingMessage, url: URL, config: GuardConfig): Refusal | null {
  const host = req.headers.host;
  if (!hostAllowed(host, config.boundHost)) return { status: 421, code: 'refused', message: 'This server answers only to its own address (Host header refused).' };
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) return { status: 403, code: 'refused', message: 'Cross-origin requests are refused.' };
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return { status: 403, code: 'refused', message: 'Cross-site requests are refused.' };
  const token = tokenOf(req, url, config.cookieName);
  if (token === undefined) return { status: 401, code: 'bad_token', message: 'Open the link printed by `latent-lab serve`: it carries the access token.' };
  if (!tokensEqual(token, config.token)) return { status: 403, code: 'bad_token', message: 'Wrong access token (was `latent-lab serve` restarted? Its token changes at every start unless --token-file keeps one): open the link it printed last.' };
  return null;
}
