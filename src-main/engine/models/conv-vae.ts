import { convDecoder, convEncoderTrunk, gaussianHeads } from './layers.ts';
import { unconditionalFamily } from './unconditional.ts';

/** Convolutional variational autoencoder. */
export const convVae = unconditionalFamily({
  name: 'conv-vae',
  description: 'convolutional variational autoencoder',
  variational: true,
  conv: true,
  encode: (image, config, init) => gaussianHeads(convEncoderTrunk(image, config, init), config.latent, init),
  decode: (code, config, shape, init) => convDecoder(code, shape, config, init),
});
