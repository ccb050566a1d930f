import type { ModelFamily } from './types.ts';
import { convDecoder, convEncoderTrunk, gaussianHeads } from './layers.ts';
import { unconditionalAutoencoder } from './unconditional.ts';

/** Convolutional variational autoencoder. */
export const convVae: ModelFamily = {
  name: 'conv-vae',
  description: 'convolutional variational autoencoder',
  variational: true,
  conditional: false,
  conv: true,
  closedForm: false,
  build(config, shape) {
    return unconditionalAutoencoder(
      config,
      shape,
      (image, init) => gaussianHeads(convEncoderTrunk(image, config, init), config.latent, init),
      (code, init) => convDecoder(code, shape, config, init),
    );
  },
};
