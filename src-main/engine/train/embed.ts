import * as tf from '@tensorflow/tfjs';
import type { RunOutcome } from '../../contract/contract.ts';
import { replaceCodesAndScores } from '../../store/embeddings.ts';
import type { Db } from '../../store/open.ts';
import type { ImageShape, TrainConfig } from '../config.ts';
import type { Autoencoder, ModelFamily } from '../models/types.ts';
import { chunks, makeBatch } from './batches.ts';
import type { BatchReader, ItemSet } from './data-source.ts';
import { klPerImage, reconPerImage } from './objective.ts';

const EMBED_BATCH = 256;

// A dimension is active when its code mean varies across images by more than this (Burda et al. 2016).
const ACTIVE_VARIANCE = 0.01;

type LatentUse = Pick<RunOutcome, 'klPerDim' | 'activeDims' | 'warning'>;

/** How a VAE uses its latent: mean KL per dimension, the active dimensions, and a warning on posterior collapse. */
export function latentUse(means: Float32Array, logvars: Float32Array, latent: number): LatentUse {
  const n = means.length / latent;
  const kl = new Float64Array(latent);
  const sum = new Float64Array(latent);
  const sumSq = new Float64Array(latent);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < latent; d++) {
      const m = means[i * latent + d];
      const lv = logvars[i * latent + d];
      kl[d] += -0.5 * (1 + lv - m * m - Math.exp(lv));
      sum[d] += m;
      sumSq[d] += m * m;
    }
  }
  const variance = (d: number) => sumSq[d] / n - (sum[d] / n) ** 2;
  const activeDims = Array.from({ length: latent }, (_, d) => d).filter((d) => variance(d) > ACTIVE_VARIANCE).length;
  const warning =
    activeDims === 0
      ? `posterior collapse: no latent dimension carries information (the decoder ignores the code); try a lower --beta or --free-bits 0.5`
      : activeDims < latent / 2
        ? `partial posterior collapse: ${activeDims} of ${latent} latent dimensions are active; a smaller --latent or --free-bits may help`
        : undefined;
  return { klPerDim: Array.from(kl, (v) => +(v / n).toFixed(4)), activeDims, ...(warning ? { warning } : {}) };
}

/**
 * Encodes every usable item and stores its code (mean and log-variance for VAEs) and
 * scores: per-pixel MSE of the reconstruction from the (mean) code and, for VAEs, the
 * negative ELBO at the mean code. Replaces what the run had stored, in one transaction.
 * Returns how a VAE uses its latent (nothing for autoencoders).
 */
export async function embedAll(
  db: Db,
  runId: number,
  model: Autoencoder,
  family: ModelFamily,
  config: TrainConfig,
  reader: BatchReader,
  items: ItemSet,
  shape: ImageShape,
): Promise<LatentUse> {
  const latent = config.latent;
  const codes = new Float32Array(reader.length * latent);
  const logvars = family.variational ? new Float32Array(reader.length * latent) : null;
  const mse = new Float32Array(reader.length);
  const negElbo = family.variational ? new Float32Array(reader.length) : null;
  for (const positions of chunks(reader.length, EMBED_BATCH)) {
    const outputs = tf.tidy(() => {
      const batch = makeBatch(reader, items, positions, shape, config.labels.length);
      const encoded = model.encoder.predict(batch.label ? [batch.x, batch.label] : batch.x);
      const [mean, logvar] = Array.isArray(encoded) ? encoded : [encoded, null];
      const xHat = model.decoder.predict(batch.label ? [mean, batch.label] : mean) as tf.Tensor;
      const err = tf.squaredDifference(batch.x, xHat.clipByValue(0, 1)).mean([1, 2, 3]);
      const elbo = logvar ? reconPerImage(batch.x, xHat, config.loss).add(klPerImage(mean, logvar)) : null;
      return [mean, err, ...(logvar && elbo ? [logvar, elbo] : [])];
    });
    const [mean, err, logvar, elbo] = await Promise.all(outputs.map((t) => t.data() as Promise<Float32Array>));
    tf.dispose(outputs);
    const at = positions[0];
    codes.set(mean, at * latent);
    mse.set(err, at);
    if (logvars && logvar) logvars.set(logvar, at * latent);
    if (negElbo && elbo) negElbo.set(elbo, at);
  }
  replaceCodesAndScores(db, runId, { itemIds: items.itemIds.subarray(0, reader.length), dim: latent, codes, logvars, reconError: mse, negElbo });
  return logvars ? latentUse(codes, logvars, latent) : {};
}
