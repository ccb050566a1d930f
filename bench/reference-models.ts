import * as tf from '@tensorflow/tfjs';

/**
 * The bench's reference shapes, built with tf.layers directly (same shapes as the engine's
 * `deep-ae --hidden 256 --latent 32`, `conv-ae --filters 16,32 --latent 16` and a conv VAE:
 * 3x3 stride-2 ReLU convs mirrored by transposed convs). Decoders output logits; the loss is
 * binary cross-entropy on them (a sigmoid output layer trained with BCE), summed per image.
 * The 32x32 and 64x64 RGB cases use the engine's default filters at those sizes (32,64,128).
 */
export const REFERENCE_MODELS = [
  'dense-ae',
  'conv-ae',
  'conv-vae',
  'conv-ae-32rgb',
  'conv-vae-32rgb',
  'conv-ae-64rgb',
  'conv-vae-64rgb',
] as const;
export type ReferenceModelName = (typeof REFERENCE_MODELS)[number];

export interface ImageShape {
  size: number;
  channels: number;
}

export function imageShapeOf(name: ReferenceModelName): ImageShape {
  if (name.endsWith('-32rgb')) return { size: 32, channels: 3 };
  if (name.endsWith('-64rgb')) return { size: 64, channels: 3 };
  return { size: 28, channels: 1 };
}

function filtersOf({ size }: ImageShape): number[] {
  return size === 28 ? [16, 32] : [32, 64, 128];
}

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

function convEncoder(shape: ImageShape, codeUnits: number): tf.Sequential {
  const convs = filtersOf(shape).map((filters, i) =>
    tf.layers.conv2d({
      ...(i === 0 ? { inputShape: [shape.size, shape.size, shape.channels] } : {}),
      filters,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu',
    }),
  );
  return tf.sequential({ layers: [...convs, tf.layers.flatten(), tf.layers.dense({ units: codeUnits })] });
}

function convDecoder(shape: ImageShape, latent: number): tf.Sequential {
  const filters = filtersOf(shape);
  const side = shape.size / 2 ** filters.length;
  const deepest = filters.at(-1)!;
  // Transposed convs back up through the encoder's widths, the last one to the image's channels.
  const widths = [...filters.slice(0, -1).reverse(), shape.channels];
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [latent], units: side * side * deepest, activation: 'relu' }),
      tf.layers.reshape({ targetShape: [side, side, deepest] }),
      ...widths.map((width, i) =>
        tf.layers.conv2dTranspose({
          filters: width,
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          activation: i < widths.length - 1 ? 'relu' : 'linear',
        }),
      ),
    ],
  });
}

export function buildReferenceModel(name: ReferenceModelName): ReferenceModel {
  const latent = name === 'dense-ae' ? 32 : 16;
  const isVae = name.startsWith('conv-vae');
  const shape = imageShapeOf(name);
  const { encoder, decoder } =
    name === 'dense-ae'
      ? denseAe()
      : { encoder: convEncoder(shape, isVae ? 2 * latent : latent), decoder: convDecoder(shape, latent) };
  const loss = (x: tf.Tensor): tf.Scalar => {
    const code = encoder.apply(x) as tf.Tensor2D;
    if (!isVae) return bceWithLogits(decoder.apply(code) as tf.Tensor, x);
    const [mean, logVar] = tf.split(code, 2, 1);
    const z = mean.add(tf.exp(logVar.mul(0.5)).mul(tf.randomNormal(mean.shape)));
    const kl = tf.sum(tf.exp(logVar).add(mean.square()).sub(logVar).sub(1)).mul(0.5).div(x.shape[0]);
    return bceWithLogits(decoder.apply(z) as tf.Tensor, x).add(kl) as tf.Scalar;
  };
  return {
    sampleShape: name === 'dense-ae' ? [784] : [shape.size, shape.size, shape.channels],
    hasConv: name !== 'dense-ae',
    loss,
    dispose: () => {
      encoder.dispose();
      decoder.dispose();
    },
  };
}
