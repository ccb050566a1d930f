import * as tf from '@tensorflow/tfjs';
import type { ModelFamily } from './types.ts';
import { convDecoder, convEncoderTrunk, dense, imageInput, Initialisers } from './layers.ts';

/** Convolutional autoencoder: stride-2 convolutions down, transposed convolutions up. */
export const convAe: ModelFamily = {
  name: 'conv-ae',
  description: 'convolutional autoencoder',
  variational: false,
  conditional: false,
  conv: true,
  closedForm: false,
  build(config, shape) {
    const init = new Initialisers(config.seed);
    const image = imageInput(shape);
    const code = dense(config.latent, 'linear', init, 'code').apply(convEncoderTrunk(image, config, init)) as tf.SymbolicTensor;
    const z = tf.input({ shape: [config.latent], name: 'code' });
    return {
      encoder: tf.model({ inputs: image, outputs: code, name: 'encoder' }),
      decoder: tf.model({ inputs: z, outputs: convDecoder(z, shape, config, init), name: 'decoder' }),
    };
  },
};
