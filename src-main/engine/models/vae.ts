import type { ModelFamily } from './types.ts';
import { denseDecoder, denseEncoderTrunk, flatten, gaussianHeads } from './layers.ts';
import { unconditionalAutoencoder } from './unconditional.ts';

/** Dense variational autoencoder (beta-VAE with --beta); the sampling happens in the training step. */
export const vae: ModelFamily = {
  name: 'vae',
  description: 'variational autoencoder (beta-VAE with --beta)',
  variational: true,
  conditional: false,
  conv: false,
  closedForm: false,
  build(config, shape) {
    return unconditionalAutoencoder(
      config,
      shape,
      (image, init) => gaussianHeads(denseEncoderTrunk(flatten(image), config.hidden, config, init), config.latent, init),
      (code, init) => denseDecoder(code, config.hidden, shape, config, init),
    );
  },
};
