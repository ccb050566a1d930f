import { UserError } from '../../errors.ts';
import { analogy, reconstructions } from '../../latent/arithmetic.ts';
import { attributeVectors, editCode } from '../../latent/attributes.ts';
import { neighbourAgreement } from '../../latent/agreement.ts';
import { codeOf } from '../../latent/codes.ts';
import { classIndex, decodeImages, itemClasses } from '../../latent/decode.ts';
import { writeCsvFile } from '../../latent/export.ts';
import { float32Text } from '../../latent/float-text.ts';
import { findDuplicatesInWorker } from '../../latent/duplicates-thread.ts';
import { interpolateItems } from '../../latent/interpolate.ts';
import { nearestItems } from '../../latent/neighbors.ts';
import { rankOutliers } from '../../latent/outliers.ts';
import { getProjection } from '../../latent/projections.ts';
import { manifoldGrid, sampleImages } from '../../latent/samples.ts';
import { runScores } from '../../latent/scores.ts';
import { datasetCountOfRuns } from '../../store/runs.ts';
import { rowsOf, toDataUrls } from '../images.ts';
import { prepareCsv, projectionRequest } from '../csv-export.ts';
import type { Handlers } from './types.ts';

/** float32 values in the fewest digits that parse back to the same float32 (as the CSV export writes them): a third of a float64 print. */
function compact(values: Float32Array): number[] {
  return Array.from(values, (v) => Number(float32Text(v)));
}

/** Exploring a trained run: projections, neighbours, decoding, arithmetic, samples, outliers, duplicates, export. */
export const latentHandlers = {
  project: async (input, ctx) => {
    const request = projectionRequest(input);
    const onProgress = (phase: string, fraction: number) => ctx.events.emit('project.progress', { runId: input.runId, method: 'umap', phase, fraction });
    const controller = new AbortController();
    ctx.projections.add(controller);
    const projection = await getProjection(ctx.db, input.runId, request, { codes: ctx.runs.codesOf(input.runId), onProgress, signal: controller.signal })
      .catch((error: unknown) => {
        throw controller.signal.aborted ? new UserError('The projection was stopped because Latent Lab is closing.', 'cancelled') : error;
      })
      .finally(() => ctx.projections.delete(controller));
    return {
      runId: input.runId,
      method: projection.method,
      params: projection.params,
      itemIds: Array.from(projection.itemIds),
      coords: compact(projection.coords),
      sharedCodes: projection.sharedCodes,
    };
  },
  neighbours: (input, ctx) => {
    const query = input.itemId !== undefined ? { itemId: input.itemId } : { code: input.code! };
    return { neighbours: nearestItems(ctx.runs.codesOf(input.runId), query, input.k, input.metric) };
  },
  codes: (input, ctx) => {
    const codes = ctx.runs.codesOf(input.runId);
    return { itemIds: input.itemIds, codes: input.itemIds.map((id) => Array.from(codeOf(codes, id))) };
  },
  decode: async (input, ctx) => {
    const model = await ctx.runs.modelOf(input.runId);
    if (input.code.length !== model.latentDim) {
      throw new UserError(`Run ${input.runId} has a ${model.latentDim}-D latent space; the code has ${input.code.length} numbers.`, 'invalid_input');
    }
    const classes = model.conditional ? Int32Array.of(classIndex(model, input.label)) : undefined;
    return (await toDataUrls(decodeImages(model, Float32Array.from(input.code), 1, classes)))[0];
  },
  reconstruct: async (input, ctx) => {
    const model = await ctx.runs.modelOf(input.runId);
    return (await toDataUrls(reconstructions(ctx.db, model, ctx.runs.codesOf(input.runId), [input.itemId])))[0];
  },
  interpolate: async (input, ctx) => {
    const model = await ctx.runs.modelOf(input.runId);
    const walk = interpolateItems(ctx.db, model, ctx.runs.codesOf(input.runId), input.from, input.to, input.steps, input.method);
    return { method: walk.method, codes: rowsOf(walk.codes, model.latentDim), images: await toDataUrls(walk) };
  },
  attributeVectors: (input, ctx) => ({
    vectors: attributeVectors(ctx.db, ctx.runs.codesOf(input.runId), input.balanced).map(({ vector: _vector, ...rest }) => rest),
  }),
  applyAttribute: async (input, ctx) => {
    // decode the edited code, as latent/arithmetic's applyAttribute, with the vector kept between slider moves.
    const model = await ctx.runs.modelOf(input.runId);
    const codes = ctx.runs.codesOf(input.runId);
    const vector = ctx.runs.attributeVectorOf(codes, input.attribute, input.balanced);
    const edit = editCode(codeOf(codes, input.itemId), vector, input.strength, input.mode);
    const images = decodeImages(model, edit.code, 1, itemClasses(ctx.db, model, [input.itemId]));
    return { ...(await toDataUrls(images))[0], auc: vector.auc, from: edit.from, to: edit.to };
  },
  analogy: async (input, ctx) => {
    const model = await ctx.runs.modelOf(input.runId);
    return (await toDataUrls(analogy(ctx.db, model, ctx.runs.codesOf(input.runId), input.a, input.b, input.c)))[0];
  },
  samples: async (input, ctx) => {
    const model = await ctx.runs.modelOf(input.runId);
    const drawn = sampleImages(model, ctx.runs.codesOf(input.runId), input.n, { label: input.label, seed: input.seed });
    return { codes: rowsOf(drawn.codes, model.latentDim), images: await toDataUrls(drawn), source: drawn.source, labels: drawn.labels };
  },
  manifold: async (input, ctx) => {
    const model = await ctx.runs.modelOf(input.runId);
    const grid = manifoldGrid(model, ctx.runs.codesOf(input.runId), input.steps, input.label);
    return { steps: grid.steps, axis: grid.axis, codes: rowsOf(grid.codes, model.latentDim), images: await toDataUrls(grid) };
  },
  outliers: (input, ctx) => rankOutliers(ctx.db, input.runId, input),
  runScores: (input, ctx) => runScores(ctx.db, input.runId),
  duplicates: (input, ctx) => findDuplicatesInWorker(ctx.db.name, input),
  neighbourAgreement: (input, ctx) => {
    const datasets = datasetCountOfRuns(ctx.db, [input.runId, input.otherRunId]);
    if (datasets > 1) throw new UserError(`runs ${input.runId} and ${input.otherRunId} are of different datasets: compare runs of one dataset`, 'invalid_input');
    const found = neighbourAgreement(ctx.runs.codesOf(input.runId), ctx.runs.codesOf(input.otherRunId), input.k);
    return { runId: input.runId, otherRunId: input.otherRunId, k: input.k, itemIds: found.itemIds, agreement: compact(found.agreement), mean: found.mean };
  },
  exportCsv: async (input, ctx) => {
    // The page never names a file: only the host's own Save dialog does, so a compromised page cannot write anywhere.
    if (!ctx.host.pickSaveFile) {
      throw new UserError(
        `exportCsv saves through the desktop app's Save dialog. In a browser, download /api/runs/${input.runId}/export.csv; from a terminal, run \`latent-lab export ${input.runId} --out FILE.csv\`.`,
        'unsupported',
      );
    }
    const csv = await prepareCsv(ctx, input);
    const file = await ctx.host.pickSaveFile(`run-${input.runId}-${input.kind}.csv`);
    return file === null ? null : writeCsvFile(file, csv);
  },
} satisfies Partial<Handlers>;
