import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import { UserError } from '../errors.ts';

/** A fresh random access token (192 bits, URL-safe). */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time comparison; hashing first makes the lengths equal so nothing leaks through timing. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * `serve --token-file FILE`: the token kept in FILE, so a restarted server
 * keeps open tabs working. A missing file is created (0600) with a fresh
 * token; one that others can read, or that holds no usable token, is refused.
 */
export function tokenFromFile(file: string): string {
  try {
    const token = newToken();
    fs.writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return token;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new UserError(`--token-file: cannot create ${file}: ${(error as Error).message}`);
  }
  if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0) {
    throw new UserError(`--token-file: ${file} can be read by other users; run \`chmod 600 ${file}\` first.`);
  }
  const token = fs.readFileSync(file, 'utf8').trim();
  if (!/^[A-Za-z0-9_-]{32,}$/.test(token)) throw new UserError(`--token-file: ${file} does not hold a token (32 or more URL-safe characters); delete it to get a new one.`);
  return token;
}

/**
 * The secret folder the app is served under (see server.ts): derived from
 * the token, so it stays the same as long as the token does.
 */
export function appPathOf(token: string): string {
  return `/lab-${createHash('sha256').update(`latent-lab app path\0${token}`).digest('base64url').slice(0, 22)}/`;
}
