import * as tf from '@tensorflow/tfjs';
import type { ModelFamily } from './types.ts';
import { denseDecoder, flatten, imageInput, Initialisers, dense } from './layers.ts';

/** The vanilla autoencoder: image -> one linear code layer -> image. */
export const ae: ModelFamily = {
  name: 'ae',
  description: 'autoencoder with one code layer',
  variational: false,
  conditional: false,
  conv: false,
  closedForm: false,
  build(config, shape) {
    const init = new Initialisers(config.seed);
    const image = imageInput(shape);
    const code = dense(config.latent, 'linear', init, 'enc_dense_0').apply(flatten(image)) as tf.SymbolicTensor;
    const z = tf.input({ shape: [config.latent], name: 'code' });
    return {
      encoder: tf.model({ inputs: image, outputs: code, name: 'encoder' }),
      decoder: tf.model({ inputs: z, outputs: denseDecoder(z, [], shape, config, init), name: 'decoder' }),
    };
  },
};
