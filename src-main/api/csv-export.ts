import type { z } from 'zod';
import type { csvExportSchema } from '../contract/contract.ts';
import { UserError } from '../errors.ts';
import { prepareEmbeddingsCsv, prepareOutliersCsv, type PreparedCsv } from '../latent/export.ts';
import type { ProjectionRequest } from '../latent/projections.ts';
import { datasetOfRun } from '../store/runs.ts';
import { findSet } from '../store/sets.ts';
import type { ApiContext } from './context.ts';

export type CsvExport = z.output<typeof csvExportSchema>;

/** The latent room's request for a projection given as the contract's fields. */
export function projectionRequest(p: NonNullable<CsvExport['projection']>): ProjectionRequest {
  if (p.method === 'raw') return { method: 'raw', dims: p.dims };
  if (p.method === 'umap') return { method: 'umap', params: { seed: p.seed, nNeighbors: p.neighbours, minDist: p.minDist } };
  return { method: 'pca' };
}

/** A CSV export checked and ready to stream, for the exportCsv method (to a file) and the download route alike. */
export async function prepareCsv(ctx: ApiContext, input: CsvExport): Promise<PreparedCsv> {
  if (input.kind === 'outliers') return prepareOutliersCsv(ctx.db, input.runId, { score: input.score, raw: input.raw });
  if (input.items && input.set) throw new UserError('give either items or set, not both', 'invalid_input');
  return prepareEmbeddingsCsv(ctx.db, input.runId, {
    projection: input.projection && projectionRequest(input.projection),
    itemIds: input.items ?? (input.set === undefined ? undefined : setItems(ctx, input.runId, input.set)),
    raw: input.raw,
  });
}

function setItems(ctx: ApiContext, runId: number, name: string): number[] {
  const datasetId = datasetOfRun(ctx.db, runId);
  if (datasetId === undefined) throw new UserError(`There is no run ${runId}; \`latent-lab runs\` lists them.`, 'not_found');
  const set = findSet(ctx.db, datasetId, name);
  if (!set) throw new UserError(`dataset ${datasetId} has no set named "${name}"`, 'not_found');
  return set.itemIds;
}
