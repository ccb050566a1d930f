import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from '../config.ts';
import type { Autoencoder } from '../models/types.ts';
import type { BatchReader } from './data-source.ts';
import { epochOrder } from './shuffle.ts';
import { FusedAdam } from './fused-adam.ts';

/**
 * Greedy layer-wise pretraining of a deep autoencoder: each encoder dense layer
 * `enc_dense_i` and its mirror `dec_dense_i` are trained as a shallow autoencoder
 * on the (frozen) output of the layers below, innermost last; fine-tuning follows.
 */
export async function pretrainLayerwise(
  model: Autoencoder,
  config: TrainConfig,
  reader: BatchReader,
  log: (message: string) => void,
  shouldStop: () => boolean,
): Promise<void> {
  const depth = config.hidden.length + 1;
  const pixels = (model.encoder.inputs[0].shape as number[]).slice(1).reduce((a, b) => a * b, 1);
  for (let i = 0; i < depth; i++) {
    const below = Array.from({ length: i }, (_, k) => model.encoder.getLayer(`enc_dense_${k}`));
    const up = model.encoder.getLayer(`enc_dense_${i}`);
    const down = model.decoder.getLayer(`dec_dense_${i}`);
    const vars = [...up.trainableWeights, ...down.trainableWeights].map((w) => w.read() as tf.Variable);
    const optimizer = new FusedAdam(config.lr);
    let last = 0;
    for (let epoch = 0; epoch < config.pretrainEpochs; epoch++) {
      const order = epochOrder(reader.length, config.seed + 17 * (i + 1), epoch);
      let sum: tf.Tensor = tf.scalar(0);
      for (let start = 0; start < order.length && !shouldStop(); start += config.batch) {
        const positions = order.subarray(start, Math.min(order.length, start + config.batch));
        const cost = tf.tidy(() => {
          let h: tf.Tensor = tf.tensor2d(reader.read(positions), [positions.length, pixels]);
          for (const layer of below) h = layer.apply(h) as tf.Tensor;
          const target = h;
          return optimizer.minimize(() => tf.losses.meanSquaredError(target, down.apply(up.apply(target)) as tf.Tensor) as tf.Scalar, true, vars)!;
        });
        await new Promise<void>((resolve) => setImmediate(resolve));
        const next = sum.add(cost);
        sum.dispose();
        cost.dispose();
        sum = next;
      }
      last = (await sum.data())[0] / Math.ceil(order.length / config.batch);
      sum.dispose();
    }
    optimizer.dispose();
    log(`pretrained layer pair ${i + 1}/${depth}: reconstruction mse ${last.toPrecision(4)}`);
  }
}
