import type * as tf from '@tensorflow/tfjs';
import type { ModelFamily } from './types.ts';
import { dense, denseDecoder, flatten } from './layers.ts';
import { unconditionalAutoencoder } from './unconditional.ts';

/** The vanilla autoencoder: image -> one linear code layer -> image. */
export const ae: ModelFamily = {
  name: 'ae',
  description: 'autoencoder with one code layer',
  variational: false,
  conditional: false,
  conv: false,
  closedForm: false,
  build(config, shape) {
    return unconditionalAutoencoder(
      config,
      shape,
      (image, init) => dense(config.latent, 'linear', init, 'enc_dense_0').apply(flatten(image)) as tf.SymbolicTensor,
      (code, init) => denseDecoder(code, [], shape, config, init),
    );
  },
};
