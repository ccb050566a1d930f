import * as tf from '@tensorflow/tfjs';
import type { ImageShape, ModelName, TrainConfig } from '../config.ts';
import { imageInput, Initialisers } from './layers.ts';
import type { ModelFamily } from './types.ts';

interface UnconditionalSpec {
  name: ModelName;
  description: string;
  variational: boolean;
  conv: boolean;
  closedForm?: boolean;
  /** The image to the code, or to [mean, logvar] when variational. */
  encode(image: tf.SymbolicTensor, config: TrainConfig, init: Initialisers): tf.SymbolicTensor | tf.SymbolicTensor[];
  /** The code back to the image. */
  decode(code: tf.SymbolicTensor, config: TrainConfig, shape: ImageShape, init: Initialisers): tf.SymbolicTensor;
}

/**
 * A model family without a label input. Its encoder is built before its decoder, so each
 * layer draws the same initialiser seed for the same --seed.
 */
export function unconditionalFamily({ encode, decode, closedForm = false, ...flags }: UnconditionalSpec): ModelFamily {
  return {
    ...flags,
    conditional: false,
    closedForm,
    build(config, shape) {
      const init = new Initialisers(config.seed, flags.conv);
      const image = imageInput(shape);
      const encoded = encode(image, config, init);
      const code = tf.input({ shape: [config.latent], name: 'code' });
      return {
        encoder: tf.model({ inputs: image, outputs: encoded, name: 'encoder' }),
        decoder: tf.model({ inputs: code, outputs: decode(code, config, shape, init), name: 'decoder' }),
      };
    },
  };
}
