import type * as tf from '@tensorflow/tfjs';
import { convDecoder, convEncoderTrunk, dense, hasLinearPath, linearPlusConvCode, linearPlusConvImage } from './layers.ts';
import { unconditionalFamily } from './unconditional.ts';

/** Convolutional autoencoder (batch-norm conv blocks); with an MSE loss, beside a linear path that starts at PCA. */
export const convAe = unconditionalFamily({
  name: 'conv-ae',
  description: 'convolutional autoencoder (with a linear path started at PCA)',
  variational: false,
  conv: true,
  encode: (image, config, init) =>
    hasLinearPath(config)
      ? linearPlusConvCode(image, convEncoderTrunk(image, config, init), config, init)
      : (dense(config.latent, 'linear', init, 'code').apply(convEncoderTrunk(image, config, init)) as tf.SymbolicTensor),
  decode: (code, config, shape, init) => (hasLinearPath(config) ? linearPlusConvImage(code, shape, config, init) : convDecoder(code, shape, config, init)),
});
