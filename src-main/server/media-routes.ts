import type { ServerResponse } from 'node:http';
import type { ApiContext } from '../api/context.ts';
import { notFound } from '../api/errors.ts';
import { atlasPage, itemPng } from '../api/media.ts';

const itemImage = /^\/api\/items\/(\d{1,12})\/image\.png$/;
const atlasImage = /^\/api\/datasets\/(\d{1,12})\/atlas\/(\d{1,4})\/(\d{1,9})\.webp$/;

function sendImage(res: ServerResponse, type: string, bytes: Buffer): void {
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': bytes.length, 'Cache-Control': 'no-cache' });
  res.end(bytes);
}

/**
 * GET routes for images, addressed by numbers only. The raw (still
 * percent-encoded) path must match exactly, so `..`, `%2e%2e`, `%2f` or an
 * absolute path never reaches a file lookup: they are simply not found.
 */
export async function mediaRoute(ctx: ApiContext, url: URL, res: ServerResponse): Promise<void> {
  const item = itemImage.exec(url.pathname);
  if (item) return sendImage(res, 'image/png', await itemPng(ctx, Number(item[1])));
  const atlas = atlasImage.exec(url.pathname);
  if (atlas) return sendImage(res, 'image/webp', await atlasPage(ctx, Number(atlas[1]), Number(atlas[2]), Number(atlas[3])));
  throw notFound(`The resource ${url.pathname.slice(0, 100)}`);
}
