import type * as tf from '@tensorflow/tfjs';
import { convDecoder, convEncoderTrunk, dense } from './layers.ts';
import { unconditionalFamily } from './unconditional.ts';

/** Convolutional autoencoder: batch-norm conv blocks, a dense code, the blocks mirrored. */
export const convAe = unconditionalFamily({
  name: 'conv-ae',
  description: 'convolutional autoencoder',
  variational: false,
  conv: true,
  encode: (image, config, init) => dense(config.latent, 'linear', init, 'code').apply(convEncoderTrunk(image, config, init)) as tf.SymbolicTensor,
  decode: (code, config, shape, init) => convDecoder(code, shape, config, init),
});
