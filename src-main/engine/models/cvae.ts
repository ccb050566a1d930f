import * as tf from '@tensorflow/tfjs';
import type { ModelFamily } from './types.ts';
import { concat, denseDecoder, denseEncoderTrunk, flatten, gaussianHeads, imageInput, Initialisers, labelInput } from './layers.ts';

/** Conditional VAE: the one-hot label goes into both the encoder and the decoder. */
export const cvae: ModelFamily = {
  name: 'cvae',
  description: 'conditional VAE (generates a chosen label)',
  variational: true,
  conditional: true,
  conv: false,
  closedForm: false,
  build(config, shape) {
    const init = new Initialisers(config.seed);
    const image = imageInput(shape);
    const label = labelInput(config);
    const trunk = denseEncoderTrunk(concat([flatten(image), label], 'image_label'), config.hidden, config, init);
    const z = tf.input({ shape: [config.latent], name: 'code' });
    const zLabel = labelInput(config);
    const out = denseDecoder(concat([z, zLabel], 'code_label'), config.hidden, shape, config, init);
    return {
      encoder: tf.model({ inputs: [image, label], outputs: gaussianHeads(trunk, config.latent, init), name: 'encoder' }),
      decoder: tf.model({ inputs: [z, zLabel], outputs: out, name: 'decoder' }),
    };
  },
};
