import { denseDecoder, denseEncoderTrunk, flatten, gaussianHeads } from './layers.ts';
import { unconditionalFamily } from './unconditional.ts';

/** Dense variational autoencoder (beta-VAE with --beta); the sampling happens in the training step. */
export const vae = unconditionalFamily({
  name: 'vae',
  description: 'variational autoencoder (beta-VAE with --beta)',
  variational: true,
  conv: false,
  encode: (image, config, init) => gaussianHeads(denseEncoderTrunk(flatten(image), config.hidden, config, init), config.latent, init),
  decode: (code, config, shape, init) => denseDecoder(code, config.hidden, shape, config, init),
});
