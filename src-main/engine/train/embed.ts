import * as tf from '@tensorflow/tfjs';
import type { Db } from '../../store/open.ts';
import type { ImageShape, TrainConfig } from '../config.ts';
import type { Autoencoder, ModelFamily } from '../models/types.ts';
import { chunks, makeBatch } from './batches.ts';
import type { BatchReader, ItemSet } from './data-source.ts';
import { klPerImage, reconPerImage } from './objective.ts';

const EMBED_BATCH = 256;

function floatBlob(values: Float32Array, start: number, length: number): Buffer {
  const copy = new Float32Array(values.subarray(start, start + length));
  return Buffer.from(copy.buffer, copy.byteOffset, copy.byteLength);
}

/**
 * Encodes every usable item and stores its code (mean and log-variance for VAEs) and
 * scores: per-pixel MSE of the reconstruction from the (mean) code and, for VAEs, the
 * negative ELBO at the mean code. Replaces what the run had stored, in one transaction.
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
): Promise<void> {
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
  const insertCode = db.prepare('INSERT INTO embeddings (run_id, item_id, code, logvar) VALUES (?, ?, ?, ?)');
  const insertScore = db.prepare('INSERT INTO scores (run_id, item_id, recon_error, neg_elbo) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    db.prepare('DELETE FROM embeddings WHERE run_id = ?').run(runId);
    db.prepare('DELETE FROM scores WHERE run_id = ?').run(runId);
    for (let i = 0; i < reader.length; i++) {
      const itemId = items.itemIds[i];
      insertCode.run(runId, itemId, floatBlob(codes, i * latent, latent), logvars ? floatBlob(logvars, i * latent, latent) : null);
      insertScore.run(runId, itemId, mse[i], negElbo ? negElbo[i] : null);
    }
  })();
}
