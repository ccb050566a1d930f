import type * as tf from '@tensorflow/tfjs';
import { dense, denseDecoder, flatten } from './layers.ts';
import { unconditionalFamily } from './unconditional.ts';

/** The vanilla autoencoder: image -> one linear code layer -> image. */
export const ae = unconditionalFamily({
  name: 'ae',
  description: 'autoencoder with one code layer',
  variational: false,
  conv: false,
  encode: (image, config, init) => dense(config.latent, 'linear', init, 'enc_dense_0').apply(flatten(image)) as tf.SymbolicTensor,
  decode: (code, config, shape, init) => denseDecoder(code, [], shape, config, init),
});
