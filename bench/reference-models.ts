import * as tf from '@tensorflow/tfjs';

/**
 * The bench's reference shapes, built with tf.layers directly (same shapes as the engine's
 * `deep-ae --hidden 256 --latent 32`, `conv-ae --filters 16,32 --latent 16` and a conv VAE:
 * 3x3 stride-2 ReLU convs mirrored by transposed convs). Decoders output logits; the loss is
 * binary cross-entropy on them (a sigmoid output layer trained with BCE), summed per image.
 */
export type ReferenceModelName = 'dense-ae' | 'conv-ae' | 'conv-vae';
export const REFERENCE_MODELS: ReferenceModelName[] = ['dense-ae', 'conv-ae', 'conv-vae'];

export interface ReferenceModel {
  /** Input shape of one sample. */
  sampleShape: number[];
  hasConv: boolean;
  /** Mean per-sample loss for a batch, built from ops the gradient tape records. */
  loss(x: tf.Tensor): tf.Scalar;
  dispose(): void;
}

/** Binary cross-entropy from logits, summed over pixels, averaged over the batch. */
export function bceWithLogits(logits: tf.Tensor, x: tf.Tensor): tf.Scalar {
  const perPixel = tf.relu(logits).sub(logits.mul(x)).add(tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
  return perPixel.sum().div(x.shape[0]) as tf.Scalar;
}

function denseAe(): { encoder: tf.Sequential; decoder: tf.Sequential } {
  const encoder = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }),
      tf.layers.dense({ units: 32 }),
    ],
  });
  const decoder = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [32], units: 256, activation: 'relu' }),
      tf.layers.dense({ units: 784 }),
    ],
  });
  return { encoder, decoder };
}

function convEncoder(codeUnits: number): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: codeUnits }),
    ],
  });
}

function convDecoder(latent: number): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [latent], units: 7 * 7 * 32, activation: 'relu' }),
      tf.layers.reshape({ targetShape: [7, 7, 32] }),
      tf.layers.conv2dTranspose({ filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      tf.layers.conv2dTranspose({ filters: 1, kernelSize: 3, strides: 2, padding: 'same' }),
    ],
  });
}

export function buildReferenceModel(name: ReferenceModelName): ReferenceModel {
  const latent = name === 'dense-ae' ? 32 : 16;
  const isVae = name === 'conv-vae';
  const { encoder, decoder } =
    name === 'dense-ae' ? denseAe() : { encoder: convEncoder(isVae ? 2 * latent : latent), decoder: convDecoder(latent) };
  const loss = (x: tf.Tensor): tf.Scalar => {
    const code = encoder.apply(x) as tf.Tensor2D;
    if (!isVae) return bceWithLogits(decoder.apply(code) as tf.Tensor, x);
    const [mean, logVar] = tf.split(code, 2, 1);
    const z = mean.add(tf.exp(logVar.mul(0.5)).mul(tf.randomNormal(mean.shape)));
    const kl = tf.sum(tf.exp(logVar).add(mean.square()).sub(logVar).sub(1)).mul(0.5).div(x.shape[0]);
    return bceWithLogits(decoder.apply(z) as tf.Tensor, x).add(kl) as tf.Scalar;
  };
  return {
    sampleShape: name === 'dense-ae' ? [784] : [28, 28, 1],
    hasConv: name !== 'dense-ae',
    loss,
    dispose: () => {
      encoder.dispose();
      decoder.dispose();
    },
  };
}
