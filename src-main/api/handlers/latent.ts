import { loadRunModel } from '../../engine/run-model.ts';
import { UserError } from '../../errors.ts';
import { analogy, reconstructions } from '../../latent/arithmetic.ts';
import { attributeVectors, editCode } from '../../latent/attributes.ts';
import { codeOf, loadRunCodes } from '../../latent/codes.ts';
import { classIndex, decodeImages, itemClasses } from '../../latent/decode.ts';
import { exportEmbeddingsCsv, exportOutliersCsv } from '../../latent/export.ts';
import { interpolateItems } from '../../latent/interpolate.ts';
import { nearestItems } from '../../latent/neighbors.ts';
import { rankOutliers } from '../../latent/outliers.ts';
import { getProjection, type ProjectionRequest } from '../../latent/projections.ts';
import { manifoldGrid, sampleImages } from '../../latent/samples.ts';
import { runScores } from '../../latent/scores.ts';
import { rowsOf, toDataUrls } from '../images.ts';
import { cachedAttributeVector } from '../attribute-cache.ts';
import type { Handlers } from './types.ts';

/** float32 values with 7 significant digits: exact enough for float32, a third of the JSON. */
function compact(values: Float32Array): number[] {
  return Array.from(values, (v) => Number(v.toPrecision(7)));
}

/** Exploring a trained run: projections, neighbours, decoding, arithmetic, samples, outliers, export. */
export const latentHandlers = {
  project: async (input, ctx) => {
    const request: ProjectionRequest =
      input.method === 'raw'
        ? { method: 'raw', dims: input.dims }
        : input.method === 'umap'
          ? { method: 'umap', params: { seed: input.seed, nNeighbors: input.neighbours, minDist: input.minDist } }
          : { method: 'pca' };
    const onProgress = (phase: string, fraction: number) => ctx.events.emit('project.progress', { runId: input.runId, method: 'umap', phase, fraction });
    const controller = new AbortController();
    ctx.projections.add(controller);
    const projection = await getProjection(ctx.db, input.runId, request, { onProgress, signal: controller.signal })
      .catch((error: unknown) => {
        throw controller.signal.aborted ? new UserError('The projection was stopped because Latent Lab is closing.', 'cancelled') : error;
      })
      .finally(() => ctx.projections.delete(controller));
    return { runId: input.runId, method: projection.method, params: projection.params, itemIds: Array.from(projection.itemIds), coords: compact(projection.coords) };
  },
  neighbours: (input, ctx) => {
    const query = input.itemId !== undefined ? { itemId: input.itemId } : { code: input.code! };
    return { neighbours: nearestItems(loadRunCodes(ctx.db, input.runId), query, input.k, input.metric) };
  },
  codes: (input, ctx) => {
    const codes = loadRunCodes(ctx.db, input.runId);
    return { itemIds: input.itemIds, codes: input.itemIds.map((id) => Array.from(codeOf(codes, id))) };
  },
  decode: async (input, ctx) => {
    const model = await loadRunModel(ctx.db, input.runId);
    if (input.code.length !== model.latentDim) {
      throw new UserError(`Run ${input.runId} has a ${model.latentDim}-D latent space; the code has ${input.code.length} numbers.`, 'invalid_input');
    }
    const classes = model.conditional ? Int32Array.of(classIndex(model, input.label)) : undefined;
    return (await toDataUrls(decodeImages(model, Float32Array.from(input.code), 1, classes)))[0];
  },
  reconstruct: async (input, ctx) => {
    const model = await loadRunModel(ctx.db, input.runId);
    return (await toDataUrls(reconstructions(ctx.db, model, loadRunCodes(ctx.db, input.runId), [input.itemId])))[0];
  },
  interpolate: async (input, ctx) => {
    const model = await loadRunModel(ctx.db, input.runId);
    const walk = interpolateItems(ctx.db, model, loadRunCodes(ctx.db, input.runId), input.from, input.to, input.steps, input.method);
    return { method: walk.method, codes: rowsOf(walk.codes, model.latentDim), images: await toDataUrls(walk) };
  },
  attributeVectors: (input, ctx) => ({
    vectors: attributeVectors(ctx.db, loadRunCodes(ctx.db, input.runId), input.balanced).map(({ vector: _vector, ...rest }) => rest),
  }),
  applyAttribute: async (input, ctx) => {
    // decode the edited code, as latent/arithmetic's applyAttribute, with the vector kept between slider moves.
    const model = await loadRunModel(ctx.db, input.runId);
    const codes = loadRunCodes(ctx.db, input.runId);
    const vector = cachedAttributeVector(ctx.db, codes, input.attribute, input.balanced);
    const edit = editCode(codeOf(codes, input.itemId), vector, input.strength, input.mode);
    const images = decodeImages(model, edit.code, 1, itemClasses(ctx.db, model, [input.itemId]));
    return { ...(await toDataUrls(images))[0], auc: vector.auc, from: edit.from, to: edit.to };
  },
  analogy: async (input, ctx) => {
    const model = await loadRunModel(ctx.db, input.runId);
    return (await toDataUrls(analogy(ctx.db, model, loadRunCodes(ctx.db, input.runId), input.a, input.b, input.c)))[0];
  },
  samples: async (input, ctx) => {
    const model = await loadRunModel(ctx.db, input.runId);
    const drawn = sampleImages(model, loadRunCodes(ctx.db, input.runId), input.n, { label: input.label, seed: input.seed });
    return { codes: rowsOf(drawn.codes, model.latentDim), images: await toDataUrls(drawn), source: drawn.source, labels: drawn.labels };
  },
  manifold: async (input, ctx) => {
    const model = await loadRunModel(ctx.db, input.runId);
    const grid = manifoldGrid(model, loadRunCodes(ctx.db, input.runId), input.steps, input.label);
    return { steps: grid.steps, axis: grid.axis, codes: rowsOf(grid.codes, model.latentDim), images: await toDataUrls(grid) };
  },
  outliers: (input, ctx) => rankOutliers(ctx.db, input.runId, input.top),
  runScores: (input, ctx) => runScores(ctx.db, input.runId),
  exportCsv: (input, ctx) => (input.kind === 'outliers' ? exportOutliersCsv(ctx.db, input.runId, input.path) : exportEmbeddingsCsv(ctx.db, input.runId, input.path)),
} satisfies Partial<Handlers>;
