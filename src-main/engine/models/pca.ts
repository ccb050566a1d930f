import type * as tf from '@tensorflow/tfjs';
import { dense, flatten, pixelCount, toImage } from './layers.ts';
import { unconditionalFamily } from './unconditional.ts';

/**
 * PCA as a linear autoencoder whose weights are set in closed form (see train/fit-pca.ts):
 * the encoder's kernel holds the principal axes and its bias -mean·axes; the decoder's
 * kernel the transposed axes and its bias the mean image.
 */
export const pca = unconditionalFamily({
  name: 'pca',
  description: 'principal component analysis (closed form), the linear baseline',
  variational: false,
  conv: false,
  closedForm: true,
  encode: (image, config, init) => dense(config.latent, 'linear', init, 'components').apply(flatten(image)) as tf.SymbolicTensor,
  decode: (code, _config, shape, init) => toImage(dense(pixelCount(shape), 'linear', init, 'dec_dense_0').apply(code) as tf.SymbolicTensor, shape),
});
