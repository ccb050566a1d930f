import type * as tf from '@tensorflow/tfjs';
import type { ModelFamily } from './types.ts';
import { dense, denseDecoder, denseEncoderTrunk, flatten } from './layers.ts';
import { unconditionalAutoencoder } from './unconditional.ts';

/** Symmetric multilayer autoencoder ("sandwich"); its dense pairs can be pretrained greedily. */
export const deepAe: ModelFamily = {
  name: 'deep-ae',
  description: 'multilayer symmetric autoencoder (optionally pretrained layer-wise)',
  variational: false,
  conditional: false,
  conv: false,
  closedForm: false,
  build(config, shape) {
    return unconditionalAutoencoder(
      config,
      shape,
      (image, init) => {
        const trunk = denseEncoderTrunk(flatten(image), config.hidden, config, init);
        return dense(config.latent, 'linear', init, `enc_dense_${config.hidden.length}`).apply(trunk) as tf.SymbolicTensor;
      },
      (code, init) => denseDecoder(code, config.hidden, shape, config, init),
    );
  },
};
