import * as tf from '@tensorflow/tfjs';
import type { ImageShape, TrainConfig } from '../config.ts';
import type { Autoencoder, ModelFamily } from '../models/types.ts';
import { chunks, makeBatch } from './batches.ts';
import type { BatchReader, ItemSet } from './data-source.ts';
import { objective } from './objective.ts';

export interface Evaluation {
  loss: number;
  mse: number;
  kl: number | null;
}

const EVAL_BATCH = 256;

/** The objective (without corruption or sampling), per-pixel MSE and KL averaged over a set; one read at the end. */
export async function evaluate(
  model: Autoencoder,
  family: ModelFamily,
  config: TrainConfig,
  reader: BatchReader,
  items: ItemSet,
  shape: ImageShape,
): Promise<Evaluation> {
  let sums: tf.Tensor = tf.zeros([3]);
  for (const positions of chunks(reader.length, EVAL_BATCH)) {
    const next = tf.tidy(() => {
      const terms = objective(model, family, config, makeBatch(reader, items, positions, shape, config.labels.length), false, 0);
      const n = positions.length;
      return sums.add(tf.stack([terms.loss, terms.mse, terms.kl ?? tf.scalar(0)]).mul(n));
    });
    sums.dispose();
    sums = next;
  }
  const [loss, mse, kl] = Array.from(await sums.data()).map((s) => s / reader.length);
  sums.dispose();
  return { loss, mse, kl: family.variational ? kl : null };
}
