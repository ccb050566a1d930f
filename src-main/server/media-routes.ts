import type { ServerResponse } from 'node:http';
import type { ApiContext } from '../api/context.ts';
import { notFound } from '../api/errors.ts';
import { itemPng } from '../api/media.ts';

const itemImage = /^\/api\/items\/(\d{1,12})\/image\.png$/;

/**
 * GET routes for images, addressed by numbers only. The raw (still
 * percent-encoded) path must match exactly, so `..`, `%2e%2e`, `%2f` or an
 * absolute path never reaches a file lookup: they are simply not found.
 */
export async function mediaRoute(ctx: ApiContext, url: URL, res: ServerResponse): Promise<void> {
  const item = itemImage.exec(url.pathname);
  if (item) {
    const png = await itemPng(ctx, Number(item[1]));
    res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': png.length, 'Cache-Control': 'no-cache' });
    return void res.end(png);
  }
  throw notFound(`The resource ${url.pathname.slice(0, 100)}`);
}
