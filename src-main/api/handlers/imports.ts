import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ATLAS_TILES, atlasLayout } from '../../dataset/atlas.ts';
import { writeDemoFolder } from '../../dataset/demo.ts';
import { importFolder, type ImportProgress } from '../../dataset/import.ts';
import type { ApiEvents, JobStarted } from '../../contract/contract.ts';
import { datasetExists } from '../../store/datasets.ts';
import { usableItemSlots } from '../../store/items.ts';
import { attributesFileInside } from '../attributes-file.ts';
import type { ApiContext } from '../context.ts';
import { notFound, toErrorBody } from '../errors.ts';
import type { Handlers } from './types.ts';

/** Turns raw progress into events with rate and ETA, at most ~10 a second (plus every phase change and the end). */
type Progress = Omit<ImportProgress, 'phase'> & { phase: ApiEvents['import.progress']['phase'] };

function progressReporter(ctx: ApiContext, jobId: string): (progress: Progress) => void {
  let phase = '';
  let phaseStarted = 0;
  let lastSent = 0;
  return (progress) => {
    const now = performance.now();
    if (progress.phase !== phase) {
      phase = progress.phase;
      phaseStarted = now;
      lastSent = 0;
    }
    const finished = progress.total > 0 && progress.done >= progress.total;
    if (!finished && now - lastSent < 100 && lastSent !== 0) return;
    lastSent = now;
    const seconds = (now - phaseStarted) / 1000;
    const rate = seconds > 0.2 && progress.done > 0 ? progress.done / seconds : null;
    const event: ApiEvents['import.progress'] = {
      jobId,
      ...progress,
      ratePerSecond: rate,
      etaSeconds: rate && progress.total > 0 ? Math.max(0, (progress.total - progress.done) / rate) : null,
    };
    ctx.events.emit('import.progress', event);
  };
}

/**
 * Runs an import in the background: the caller gets a job id at once and
 * hears import.progress, then import.finished or import.failed.
 */
export function startImportJob(ctx: ApiContext, run: (signal: AbortSignal, onProgress: (p: Progress) => void) => ReturnType<typeof importFolder>): JobStarted {
  const jobId = randomUUID();
  const controller = new AbortController();
  ctx.imports.set(jobId, controller);
  // Deferred so the caller has the job id before the first event.
  setImmediate(() => {
    run(controller.signal, progressReporter(ctx, jobId))
      .then((summary) => ctx.events.emit('import.finished', { jobId, summary }))
      .catch((error: unknown) => ctx.events.emit('import.failed', { jobId, error: toErrorBody(error, ctx.log, 'import') }))
      .finally(() => {
        ctx.imports.delete(jobId);
        // also after a failure: an interrupted import keeps what it saved
        ctx.storeWatch.check();
      });
  });
  return { jobId };
}

/** Import a folder, cancel it, and the thumbnail atlases it made. */
export const importHandlers = {
  startImport: (input, ctx) => {
    const attributes = input.attributes === undefined ? undefined : attributesFileInside(input.folder, input.attributes);
    return startImportJob(ctx, (signal, onProgress) => importFolder({ ...input, attributes, dbPath: ctx.dbPath, signal, onProgress }));
  },
  startDemo: (input, ctx) =>
    startImportJob(ctx, async (signal, onProgress) => {
      const folder = path.join(ctx.cacheDir, 'demo-faces');
      await writeDemoFolder(folder, input.count, { signal, onProgress: (done, total) => onProgress({ phase: 'draw', done, total }) });
      return importFolder({ dbPath: ctx.dbPath, folder, name: 'demo-faces', channels: 3, signal, onProgress });
    }),
  cancelImport: (input, ctx) => {
    const controller = ctx.imports.get(input.jobId);
    controller?.abort();
    return { cancelled: controller !== undefined };
  },
  getAtlas: (input, ctx) => {
    const rows = usableItemSlots(ctx.db, input.datasetId);
    if (rows.length === 0 && !datasetExists(ctx.db, input.datasetId)) throw notFound(`Dataset ${input.datasetId}`);
    const slots = rows.map((row) => row.slot);
    const used = slots.length > 0 ? slots[slots.length - 1] + 1 : 0;
    return {
      datasetId: input.datasetId,
      tiles: ATLAS_TILES.map((tile) => {
        const layout = atlasLayout(tile);
        return { ...layout, pages: Math.ceil(used / layout.perPage) };
      }),
      itemIds: rows.map((row) => row.id),
      slots,
    };
  },
} satisfies Partial<Handlers>;
