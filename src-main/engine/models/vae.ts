import * as tf from '@tensorflow/tfjs';
import type { ModelFamily } from './types.ts';
import { denseDecoder, denseEncoderTrunk, flatten, gaussianHeads, imageInput, Initialisers } from './layers.ts';

/** Dense variational autoencoder (beta-VAE with --beta); the sampling happens in the training step. */
export const vae: ModelFamily = {
  name: 'vae',
  description: 'variational autoencoder (beta-VAE with --beta)',
  variational: true,
  conditional: false,
  conv: false,
  closedForm: false,
  build(config, shape) {
    const init = new Initialisers(config.seed);
    const image = imageInput(shape);
    const heads = gaussianHeads(denseEncoderTrunk(flatten(image), config.hidden, config, init), config.latent, init);
    const z = tf.input({ shape: [config.latent], name: 'code' });
    return {
      encoder: tf.model({ inputs: image, outputs: heads, name: 'encoder' }),
      decoder: tf.model({ inputs: z, outputs: denseDecoder(z, config.hidden, shape, config, init), name: 'decoder' }),
    };
  },
};
