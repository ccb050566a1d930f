import fs from 'node:fs';
import type { Protocol } from 'electron';
import type { ApiContext } from '../api/context.ts';
import { toErrorBody } from '../api/errors.ts';
import { imageAt } from '../api/media.ts';
import { staticFileTable } from '../server/static-files.ts';
import { appScheme } from './app-origin.ts';
import { electronCsp } from './hardening.ts';

/** Must run before the app is ready: latent:// behaves like https (secure, standard origin, fetch, streaming). */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([{ scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);
}

/**
 * latent://app/... serves the built renderer from a fixed file table, and
 * images by number at the same /api/... paths as the browser server (one
 * origin, so WebGL can use atlas pages as textures). Nothing turns a URL into
 * a file path; every other host is refused.
 */
export function handleAppScheme(protocol: Pick<Protocol, 'handle'>, ctx: ApiContext, rendererDir: string): void {
  const files = staticFileTable(rendererDir);
  protocol.handle(appScheme, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'app' || request.method !== 'GET') return new Response('Not found.', { status: 404 });
    try {
      const image = await imageAt(ctx, url.pathname);
      if (image) return new Response(new Uint8Array(image.body), { headers: { 'Content-Type': image.contentType, 'X-Content-Type-Options': 'nosniff' } });
      const file = files.get(url.pathname);
      if (!file) return new Response('Not found.', { status: 404 });
      const headers: Record<string, string> = { 'Content-Type': file.contentType, 'X-Content-Type-Options': 'nosniff' };
      if (file.contentType.startsWith('text/html')) headers['Content-Security-Policy'] = electronCsp;
      return new Response(new Uint8Array(await fs.promises.readFile(file.file)), { headers });
    } catch (error) {
      const body = toErrorBody(error, ctx.log, `latent:/${url.pathname}`);
      return new Response(body.message, { status: body.code === 'not_found' ? 404 : 500 });
    }
  });
}
