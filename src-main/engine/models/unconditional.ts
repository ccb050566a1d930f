import * as tf from '@tensorflow/tfjs';
import type { ImageShape, TrainConfig } from '../config.ts';
import { imageInput, Initialisers } from './layers.ts';
import type { Autoencoder } from './types.ts';

/**
 * Builds an autoencoder without a label input: `encode` maps the image to the code (or to
 * [mean, logvar]) and `decode` maps the code back to the image. The encoder is built first,
 * so each layer draws the same initialiser seed for the same --seed.
 */
export function unconditionalAutoencoder(
  config: TrainConfig,
  shape: ImageShape,
  encode: (image: tf.SymbolicTensor, init: Initialisers) => tf.SymbolicTensor | tf.SymbolicTensor[],
  decode: (code: tf.SymbolicTensor, init: Initialisers) => tf.SymbolicTensor,
): Autoencoder {
  const init = new Initialisers(config.seed);
  const image = imageInput(shape);
  const encoded = encode(image, init);
  const code = tf.input({ shape: [config.latent], name: 'code' });
  return {
    encoder: tf.model({ inputs: image, outputs: encoded, name: 'encoder' }),
    decoder: tf.model({ inputs: code, outputs: decode(code, init), name: 'decoder' }),
  };
}
