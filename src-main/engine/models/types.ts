import type * as tf from '@tensorflow/tfjs';
import type { ImageShape, ModelName, TrainConfig } from '../config.ts';

/**
 * A model as two tfjs layers models. The encoder takes images [n, size, size, channels]
 * (plus a one-hot label [n, classes] when conditional) and returns the code, or
 * [mean, logvar] when variational. The decoder takes the code (plus the one-hot label)
 * and returns images with the same shape, in [0, 1] for a sigmoid output.
 */
export interface Autoencoder {
  encoder: tf.LayersModel;
  decoder: tf.LayersModel;
}

export interface ModelFamily {
  name: ModelName;
  description: string;
  variational: boolean;
  conditional: boolean;
  conv: boolean;
  /** Fitted in closed form rather than by gradient descent. */
  closedForm: boolean;
  build(config: TrainConfig, shape: ImageShape): Autoencoder;
}
