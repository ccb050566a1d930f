import * as tf from '@tensorflow/tfjs';
import type { ModelFamily } from './types.ts';
import { dense, denseDecoder, denseEncoderTrunk, flatten, imageInput, Initialisers } from './layers.ts';

/** Symmetric multilayer autoencoder ("sandwich"); its dense pairs can be pretrained greedily. */
export const deepAe: ModelFamily = {
  name: 'deep-ae',
  description: 'multilayer symmetric autoencoder (optionally pretrained layer-wise)',
  variational: false,
  conditional: false,
  conv: false,
  closedForm: false,
  build(config, shape) {
    const init = new Initialisers(config.seed);
    const image = imageInput(shape);
    const trunk = denseEncoderTrunk(flatten(image), config.hidden, config, init);
    const code = dense(config.latent, 'linear', init, `enc_dense_${config.hidden.length}`).apply(trunk) as tf.SymbolicTensor;
    const z = tf.input({ shape: [config.latent], name: 'code' });
    return {
      encoder: tf.model({ inputs: image, outputs: code, name: 'encoder' }),
      decoder: tf.model({ inputs: z, outputs: denseDecoder(z, config.hidden, shape, config, init), name: 'decoder' }),
    };
  },
};
