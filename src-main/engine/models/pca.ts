import * as tf from '@tensorflow/tfjs';
import type { ModelFamily } from './types.ts';
import { dense, flatten, imageInput, Initialisers, pixelCount } from './layers.ts';

/**
 * PCA as a linear autoencoder whose weights are set in closed form (see train/fit-pca.ts):
 * the encoder's kernel holds the principal axes and its bias -mean·axes; the decoder's
 * kernel the transposed axes and its bias the mean image.
 */
export const pca: ModelFamily = {
  name: 'pca',
  description: 'principal component analysis (closed form), the linear baseline',
  variational: false,
  conditional: false,
  conv: false,
  closedForm: true,
  build(config, shape) {
    const init = new Initialisers(config.seed);
    const image = imageInput(shape);
    const code = dense(config.latent, 'linear', init, 'components').apply(flatten(image)) as tf.SymbolicTensor;
    const encoder = tf.model({ inputs: image, outputs: code, name: 'encoder' });
    const z = tf.input({ shape: [config.latent], name: 'code' });
    const flat = dense(pixelCount(shape), 'linear', init, 'dec_dense_0').apply(z) as tf.SymbolicTensor;
    const out = tf.layers.reshape({ targetShape: [shape.size, shape.size, shape.channels], name: 'to_image' }).apply(flat) as tf.SymbolicTensor;
    return { encoder, decoder: tf.model({ inputs: z, outputs: out, name: 'decoder' }) };
  },
};
