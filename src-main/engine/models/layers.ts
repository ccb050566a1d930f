import * as tf from '@tensorflow/tfjs';
import type { ImageShape, TrainConfig } from '../config.ts';

/** Seeded glorot initialisers, one seed per layer, so the same --seed gives the same start. */
export class Initialisers {
  private next: number;
  constructor(seed: number) {
    this.next = seed * 1000;
  }
  kernel(): ReturnType<typeof tf.initializers.glorotUniform> {
    return tf.initializers.glorotUniform({ seed: this.next++ });
  }
}

export type Activation = TrainConfig['activation'];

/** The output activation: sigmoid keeps pixels in [0, 1]; a fully linear network stays linear (PCA-like). */
export function outputActivation(config: TrainConfig): Activation {
  return config.activation === 'linear' ? 'linear' : 'sigmoid';
}

export function pixelCount(shape: ImageShape): number {
  return shape.size * shape.size * shape.channels;
}

export function imageInput(shape: ImageShape): tf.SymbolicTensor {
  return tf.input({ shape: [shape.size, shape.size, shape.channels], name: 'image' });
}

export function labelInput(config: TrainConfig): tf.SymbolicTensor {
  return tf.input({ shape: [config.labels.length], name: 'label' });
}

export function dense(units: number, activation: Activation, init: Initialisers, name: string): tf.layers.Layer {
  return tf.layers.dense({ units, activation, kernelInitializer: init.kernel(), name });
}

/** Dense stack: encoder layers `enc_dense_i` pair with decoder layers `dec_dense_i` (mirrors, for layer-wise pretraining). */
export function denseEncoderTrunk(x: tf.SymbolicTensor, hidden: number[], config: TrainConfig, init: Initialisers): tf.SymbolicTensor {
  let h = x;
  hidden.forEach((units, i) => {
    h = dense(units, config.activation, init, `enc_dense_${i}`).apply(h) as tf.SymbolicTensor;
  });
  return h;
}

/** Mirrors `hidden` back to the image: dec_dense_{k-1} ... dec_dense_0 is the output layer. */
export function denseDecoder(z: tf.SymbolicTensor, hidden: number[], shape: ImageShape, config: TrainConfig, init: Initialisers): tf.SymbolicTensor {
  let h = z;
  for (let i = hidden.length - 1; i >= 0; i--) {
    h = dense(hidden[i], config.activation, init, `dec_dense_${i + 1}`).apply(h) as tf.SymbolicTensor;
  }
  return toImage(dense(pixelCount(shape), outputActivation(config), init, 'dec_dense_0').apply(h) as tf.SymbolicTensor, shape);
}

/** Reshapes flat pixels back to [size, size, channels]. */
export function toImage(flat: tf.SymbolicTensor, shape: ImageShape): tf.SymbolicTensor {
  return tf.layers.reshape({ targetShape: [shape.size, shape.size, shape.channels], name: 'to_image' }).apply(flat) as tf.SymbolicTensor;
}

export function flatten(x: tf.SymbolicTensor): tf.SymbolicTensor {
  return tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
}

export function concat(parts: tf.SymbolicTensor[], name: string): tf.SymbolicTensor {
  return tf.layers.concatenate({ name }).apply(parts) as tf.SymbolicTensor;
}

/** 3x3 stride-2 'same' convolutions from the input, one per filter width. */
export function convEncoderTrunk(x: tf.SymbolicTensor, config: TrainConfig, init: Initialisers): tf.SymbolicTensor {
  let h = x;
  config.filters.forEach((filters, i) => {
    h = tf.layers
      .conv2d({ filters, kernelSize: 3, strides: 2, padding: 'same', activation: config.activation, kernelInitializer: init.kernel(), name: `enc_conv_${i}` })
      .apply(h) as tf.SymbolicTensor;
  });
  return flatten(h);
}

/** Dense to the smallest feature map, then transposed convolutions mirroring the encoder back to the image. */
export function convDecoder(z: tf.SymbolicTensor, shape: ImageShape, config: TrainConfig, init: Initialisers): tf.SymbolicTensor {
  const layers = config.filters.length;
  const side = shape.size / 2 ** layers;
  const deepest = config.filters[layers - 1];
  let h = dense(side * side * deepest, config.activation, init, 'dec_dense_map').apply(z) as tf.SymbolicTensor;
  h = tf.layers.reshape({ targetShape: [side, side, deepest], name: 'to_map' }).apply(h) as tf.SymbolicTensor;
  for (let i = layers - 1; i >= 0; i--) {
    const last = i === 0;
    h = tf.layers
      .conv2dTranspose({
        filters: last ? shape.channels : config.filters[i - 1],
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: last ? outputActivation(config) : config.activation,
        kernelInitializer: init.kernel(),
        name: `dec_deconv_${i}`,
      })
      .apply(h) as tf.SymbolicTensor;
  }
  return h;
}

/** Mean and log-variance heads of a Gaussian encoder (logvar starts near 0: unit variance). */
export function gaussianHeads(h: tf.SymbolicTensor, latent: number, init: Initialisers): tf.SymbolicTensor[] {
  const mean = dense(latent, 'linear', init, 'z_mean').apply(h) as tf.SymbolicTensor;
  const logvar = tf.layers
    .dense({ units: latent, kernelInitializer: tf.initializers.zeros(), name: 'z_logvar' })
    .apply(h) as tf.SymbolicTensor;
  return [mean, logvar];
}
