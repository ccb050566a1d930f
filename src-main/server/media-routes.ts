import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ApiContext } from '../api/context.ts';
import { notFound } from '../api/errors.ts';
import { imageAt } from '../api/media.ts';
import { exportEmbeddingsCsv, exportOutliersCsv } from '../latent/export.ts';

const runCsv = /^\/api\/runs\/(\d{1,12})\/export\.csv$/;

function sendImage(res: ServerResponse, type: string, bytes: Buffer): void {
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': bytes.length, 'Cache-Control': 'no-cache' });
  res.end(bytes);
}

/** GET routes under /api/: images and CSV downloads, addressed by numbers only. */
export async function mediaRoute(ctx: ApiContext, url: URL, res: ServerResponse): Promise<void> {
  const image = await imageAt(ctx, url.pathname);
  if (image) return sendImage(res, image.contentType, image.body);
  const csv = runCsv.exec(url.pathname);
  if (csv) return sendCsv(ctx, res, Number(csv[1]), url.searchParams.get('kind') === 'outliers' ? 'outliers' : 'embeddings');
  throw notFound(`The resource ${url.pathname.slice(0, 100)}`);
}

/** A run's CSV as a download (the browser's Save): written to a temporary file by the latent room's exporter, then streamed. */
async function sendCsv(ctx: ApiContext, res: ServerResponse, runId: number, kind: 'embeddings' | 'outliers'): Promise<void> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'latent-lab-export-'));
  try {
    const file = path.join(dir, 'export.csv');
    await (kind === 'outliers' ? exportOutliersCsv(ctx.db, runId, file) : exportEmbeddingsCsv(ctx.db, runId, file));
    res.writeHead(200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="run-${runId}-${kind}.csv"`,
      'Cache-Control': 'no-store',
    });
    await pipeline(fs.createReadStream(file), res);
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
