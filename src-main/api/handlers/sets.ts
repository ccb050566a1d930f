import { UserError } from '../../errors.ts';
import { datasetExists } from '../../store/datasets.ts';
import { deleteSet, foreignItems, listSets, saveSet } from '../../store/sets.ts';
import type { Db } from '../../store/open.ts';
import { notFound } from '../errors.ts';
import type { Handlers } from './types.ts';

function requireDataset(db: Db, datasetId: number): void {
  if (!datasetExists(db, datasetId)) throw notFound(`Dataset ${datasetId}`);
}

/** Named sets of items: saved selections, listed per dataset. */
export const setHandlers = {
  listSets: (input, ctx) => {
    requireDataset(ctx.db, input.datasetId);
    return listSets(ctx.db, input.datasetId);
  },
  saveSet: (input, ctx) => {
    requireDataset(ctx.db, input.datasetId);
    const foreign = foreignItems(ctx.db, input.datasetId, input.itemIds);
    if (foreign.length) throw new UserError(`items ${foreign.slice(0, 10).join(', ')} are not in dataset ${input.datasetId}`, 'invalid_input');
    return saveSet(ctx.db, input.datasetId, input.name, input.itemIds);
  },
  deleteSet: (input, ctx) => ({ deleted: deleteSet(ctx.db, input.setId) }),
} satisfies Partial<Handlers>;
