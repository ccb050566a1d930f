import * as tf from '@tensorflow/tfjs';
import { UserError } from '../errors.ts';
import type { Db } from '../store/open.ts';
import { ensureInferenceBackend } from './backend.ts';
import { familyOf } from './models/registry.ts';
import { readRun } from './run-record.ts';
import { storedWeightsEpoch } from '../store/weights.ts';
import { loadModelPart } from './weights-store.ts';

/** A trained run's encoder and decoder, ready for the latent tools. */
export interface RunModel {
  runId: number;
  model: string;
  latentDim: number;
  size: number;
  channels: 1 | 3;
  variational: boolean;
  conditional: boolean;
  /** Class names for a conditional model, in one-hot order (empty otherwise). */
  labels: string[];
  /** pixels: n x size x size x channels values in [0, 1]; labels: class indices (conditional models). */
  encode(pixels: Float32Array, n: number, labels?: Int32Array): { mean: Float32Array; logvar?: Float32Array };
  /** codes: n x latentDim; returns n x size x size x channels values in [0, 1]. */
  decode(codes: Float32Array, n: number, labels?: Int32Array): Float32Array;
  dispose(): void;
}

/**
 * Loads a run's stored weights (the encoder and decoder of its kept epoch). The API keeps
 * the last few runs' models (api/run-cache.ts); whoever loads one disposes it.
 */
export async function loadRunModel(db: Db, runId: number): Promise<RunModel> {
  if (storedWeightsEpoch(db, runId) === null) {
    readRun(db, runId);
    throw new UserError(`Run ${runId} has no trained weights yet.`, 'not_trained');
  }
  const run = readRun(db, runId);
  const family = familyOf(run.model);
  await ensureInferenceBackend();
  const [encoder, decoder] = await Promise.all([loadModelPart(db, runId, 'encoder'), loadModelPart(db, runId, 'decoder')]);
  const { size, channels } = run;
  const latentDim = run.config.latent;
  const labels = family.conditional ? run.config.labels : [];

  const withLabel = (x: tf.Tensor, n: number, classes?: Int32Array): tf.Tensor | tf.Tensor[] => {
    if (!family.conditional) return x;
    if (!classes || classes.length !== n) throw new UserError(`${run.model} needs one label per item (${n}); got ${classes?.length ?? 0}`);
    for (const c of classes) {
      if (c < 0 || c >= labels.length) throw new UserError(`label index ${c} is out of range; run ${runId} knows ${labels.length} labels`);
    }
    return [x, tf.oneHot(tf.tensor1d(classes, 'int32'), labels.length).toFloat()];
  };

  return {
    runId,
    model: run.model,
    latentDim,
    size,
    channels,
    variational: family.variational,
    conditional: family.conditional,
    labels,
    encode(pixels, n, classes) {
      if (pixels.length !== n * size * size * channels) throw new UserError(`encode expects ${n} x ${size} x ${size} x ${channels} pixel values, got ${pixels.length}`);
      return tf.tidy(() => {
        const out = encoder.predict(withLabel(tf.tensor4d(pixels, [n, size, size, channels]), n, classes));
        if (Array.isArray(out)) return { mean: out[0].dataSync() as Float32Array, logvar: out[1].dataSync() as Float32Array };
        return { mean: out.dataSync() as Float32Array };
      });
    },
    decode(codes, n, classes) {
      if (codes.length !== n * latentDim) throw new UserError(`decode expects ${n} x ${latentDim} code values, got ${codes.length}`);
      return tf.tidy(() => {
        const out = decoder.predict(withLabel(tf.tensor2d(codes, [n, latentDim]), n, classes)) as tf.Tensor;
        return out.clipByValue(0, 1).dataSync() as Float32Array;
      });
    },
    dispose() {
      encoder.dispose();
      decoder.dispose();
    },
  };
}
