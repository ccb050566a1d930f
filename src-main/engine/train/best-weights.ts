import * as tf from '@tensorflow/tfjs';
import type { Autoencoder } from '../models/types.ts';

/** A copy of every weight of both halves (batch-norm statistics included), to restore later. */
export class WeightsSnapshot {
  private constructor(
    private readonly encoder: tf.Tensor[],
    private readonly decoder: tf.Tensor[],
    readonly epoch: number,
  ) {}

  static take(model: Autoencoder, epoch: number): WeightsSnapshot {
    const copy = (m: tf.LayersModel) => m.getWeights().map((w) => tf.clone(w));
    return new WeightsSnapshot(copy(model.encoder), copy(model.decoder), epoch);
  }

  restore(model: Autoencoder): void {
    model.encoder.setWeights(this.encoder);
    model.decoder.setWeights(this.decoder);
  }

  dispose(): void {
    tf.dispose([...this.encoder, ...this.decoder]);
  }
}
