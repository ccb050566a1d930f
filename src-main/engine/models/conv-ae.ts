import type * as tf from '@tensorflow/tfjs';
import type { ModelFamily } from './types.ts';
import { convDecoder, convEncoderTrunk, dense } from './layers.ts';
import { unconditionalAutoencoder } from './unconditional.ts';

/** Convolutional autoencoder: stride-2 convolutions down, transposed convolutions up. */
export const convAe: ModelFamily = {
  name: 'conv-ae',
  description: 'convolutional autoencoder',
  variational: false,
  conditional: false,
  conv: true,
  closedForm: false,
  build(config, shape) {
    return unconditionalAutoencoder(
      config,
      shape,
      (image, init) => dense(config.latent, 'linear', init, 'code').apply(convEncoderTrunk(image, config, init)) as tf.SymbolicTensor,
      (code, init) => convDecoder(code, shape, config, init),
    );
  },
};
