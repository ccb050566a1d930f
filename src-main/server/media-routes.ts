import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from '../api/context.ts';
import { prepareCsv } from '../api/csv-export.ts';
import { notFound } from '../api/errors.ts';
import { imageAt } from '../api/media.ts';
import { csvExportSchema } from '../contract/contract.ts';
import { HttpError, readJsonBody } from './http-util.ts';

const runCsv = /^\/api\/runs\/(\d{1,12})\/export\.csv$/;
/** Item lists travel in a POST body: a long selection does not fit in an address. */
const BODY_LIMIT = 16 * 1024 * 1024;

function sendImage(res: ServerResponse, type: string, bytes: Buffer): void {
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': bytes.length, 'Cache-Control': 'no-cache' });
  res.end(bytes);
}

/**
 * Routes under /api/ besides the methods: images (GET) and CSV downloads,
 * addressed by numbers; a CSV's options come in the query (GET) or, with an
 * item list, as the exportCsv method's JSON fields without `path` (POST).
 */
export async function mediaRoute(ctx: ApiContext, req: IncomingMessage, url: URL, res: ServerResponse): Promise<void> {
  const csv = runCsv.exec(url.pathname);
  if (csv) {
    const fields = req.method === 'POST' ? await readJsonBody(req, BODY_LIMIT) : csvQuery(url.searchParams);
    return sendCsv(ctx, res, { ...(fields as object), runId: Number(csv[1]) });
  }
  if (req.method === 'POST') throw new HttpError(405, 'method_not_allowed', 'Only CSV exports take a POST here.');
  const image = await imageAt(ctx, url.pathname);
  if (image) return sendImage(res, image.contentType, image.body);
  throw notFound(`The resource ${url.pathname.slice(0, 100)}`);
}

/** ?kind=&projection=pca|umap|raw&dims=0,1,2&seed=&neighbours=&minDist=&set=&score=&raw=1 as exportCsv fields. */
function csvQuery(query: URLSearchParams): Record<string, unknown> {
  const number = (name: string) => (query.has(name) ? Number(query.get(name)) : undefined);
  const method = query.get('projection');
  return {
    kind: query.get('kind') ?? undefined,
    projection: method
      ? { method, dims: query.get('dims')?.split(',').map(Number), seed: number('seed'), neighbours: number('neighbours'), minDist: number('minDist') }
      : undefined,
    set: query.get('set') ?? undefined,
    score: query.get('score') ?? undefined,
    raw: query.get('raw') === '1' || undefined,
  };
}

/** A run's CSV as a download (the browser's Save), streamed as it is written; bad input is refused before the first byte. */
async function sendCsv(ctx: ApiContext, res: ServerResponse, fields: unknown): Promise<void> {
  const csv = await prepareCsv(ctx, csvExportSchema.parse(fields));
  res.writeHead(200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${csv.name}"`,
    'Cache-Control': 'no-store',
  });
  await csv.write(res);
  res.end();
}
