import * as tf from '@tensorflow/tfjs';
import type { ModelFamily } from './types.ts';
import { convDecoder, convEncoderTrunk, gaussianHeads, imageInput, Initialisers } from './layers.ts';

/** Convolutional variational autoencoder. */
export const convVae: ModelFamily = {
  name: 'conv-vae',
  description: 'convolutional variational autoencoder',
  variational: true,
  conditional: false,
  conv: true,
  closedForm: false,
  build(config, shape) {
    const init = new Initialisers(config.seed);
    const image = imageInput(shape);
    const heads = gaussianHeads(convEncoderTrunk(image, config, init), config.latent, init);
    const z = tf.input({ shape: [config.latent], name: 'code' });
    return {
      encoder: tf.model({ inputs: image, outputs: heads, name: 'encoder' }),
      decoder: tf.model({ inputs: z, outputs: convDecoder(z, shape, config, init), name: 'decoder' }),
    };
  },
};
