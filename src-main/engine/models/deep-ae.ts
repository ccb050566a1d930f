import type * as tf from '@tensorflow/tfjs';
import { dense, denseDecoder, denseEncoderTrunk, flatten } from './layers.ts';
import { unconditionalFamily } from './unconditional.ts';

/** Symmetric multilayer autoencoder ("sandwich"); its dense pairs can be pretrained greedily. */
export const deepAe = unconditionalFamily({
  name: 'deep-ae',
  description: 'multilayer symmetric autoencoder (optionally pretrained layer-wise)',
  variational: false,
  conv: false,
  encode(image, config, init) {
    const trunk = denseEncoderTrunk(flatten(image), config.hidden, config, init);
    return dense(config.latent, 'linear', init, `enc_dense_${config.hidden.length}`).apply(trunk) as tf.SymbolicTensor;
  },
  decode: (code, config, shape, init) => denseDecoder(code, config.hidden, shape, config, init),
});
