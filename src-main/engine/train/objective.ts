import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from '../config.ts';
import type { Autoencoder, ModelFamily } from '../models/types.ts';

export interface Batch {
  x: tf.Tensor4D;
  /** One-hot labels (conditional models). */
  label?: tf.Tensor2D;
}

export interface LossTerms {
  /** The minimised objective: per-pixel for autoencoders, per-image negative ELBO for VAEs. */
  loss: tf.Scalar;
  /** Per-pixel MSE of the reconstruction on [0, 1] (from the mean code for VAEs). */
  mse: tf.Scalar;
  /** Mean KL divergence per image (VAEs). */
  kl?: tf.Scalar;
}

const EPS = 1e-7;
// Noise scale of the stochastic estimate of the encoder Jacobian's squared Frobenius norm.
const CONTRACTIVE_SIGMA = 0.05;

// Smallest calibrated decoder variance (per-pixel MSE), so log sigma stays finite on a perfect fit.
const MIN_VARIANCE = 1e-6;

/**
 * Per-image reconstruction term: Bernoulli (bce), unit-variance Gaussian (mse: sum of
 * squared errors) or a Gaussian whose variance is calibrated to the batch's MSE (gaussian:
 * the optimal sigma-VAE of Rybkin et al. 2021, so the likelihood is neither blurry nor
 * drowned by the KL term), as negative log-likelihoods up to constants.
 */
export function reconPerImage(x: tf.Tensor, xHat: tf.Tensor, loss: TrainConfig['loss']): tf.Tensor1D {
  const axes = [1, 2, 3];
  if (loss === 'mse') return tf.squaredDifference(x, xHat).sum(axes) as tf.Tensor1D;
  if (loss === 'gaussian') {
    const squared = tf.squaredDifference(x, xHat);
    const variance = squared.mean().maximum(MIN_VARIANCE);
    const pixels = squared.size / squared.shape[0];
    return squared.sum(axes).div(variance.mul(2)).add(variance.log().mul(pixels / 2)) as tf.Tensor1D;
  }
  const p = xHat.clipByValue(EPS, 1 - EPS);
  return x.mul(p.log()).add(tf.scalar(1).sub(x).mul(tf.scalar(1).sub(p).log())).sum(axes).neg() as tf.Tensor1D;
}

/** KL(q(z|x) || N(0, I)) per image and latent dimension, [n, latent]. */
export function klPerDim(mean: tf.Tensor, logvar: tf.Tensor): tf.Tensor2D {
  return tf.scalar(-0.5).mul(tf.scalar(1).add(logvar).sub(mean.square()).sub(logvar.exp())) as tf.Tensor2D;
}

/** KL(q(z|x) || N(0, I)) per image. */
export function klPerImage(mean: tf.Tensor, logvar: tf.Tensor): tf.Tensor1D {
  return klPerDim(mean, logvar).sum(1) as tf.Tensor1D;
}

/** The batch's KL charge: with free bits, a dimension's mean KL below `freeBits` nats costs nothing (Kingma et al. 2016). */
function klCharge(mean: tf.Tensor, logvar: tf.Tensor, freeBits: number): tf.Scalar {
  const perDim = klPerDim(mean, logvar).mean(0);
  return (freeBits > 0 ? perDim.maximum(freeBits) : perDim).sum() as tf.Scalar;
}

function corrupt(x: tf.Tensor4D, denoise: NonNullable<TrainConfig['denoise']>, seed: number): tf.Tensor4D {
  if (denoise.kind === 'gaussian') return x.add(tf.randomNormal(x.shape, 0, denoise.sigma, 'float32', seed)).clipByValue(0, 1) as tf.Tensor4D;
  return x.mul(tf.randomUniform(x.shape, 0, 1, 'float32', seed).greaterEqual(denoise.p).toFloat()) as tf.Tensor4D;
}

function encoderInput(input: tf.Tensor4D, batch: Batch): tf.Tensor | tf.Tensor[] {
  return batch.label ? [input, batch.label] : input;
}

function decoderInput(z: tf.Tensor, batch: Batch): tf.Tensor | tf.Tensor[] {
  return batch.label ? [z, batch.label] : z;
}

/**
 * The loss of one batch. `training` turns on input corruption and the VAE's sampling
 * (seeded by `seed`); evaluation decodes the mean code. `klWeight` is the VAE's KL weight
 * now (rising to beta during the KL warm-up); evaluation uses beta. Call inside tf.tidy or minimize.
 */
export function objective(
  model: Autoencoder,
  family: ModelFamily,
  config: TrainConfig,
  batch: Batch,
  training: boolean,
  seed: number,
  klWeight = config.beta,
): LossTerms {
  const { x } = batch;
  const input = training && config.denoise ? corrupt(x, config.denoise, seed) : x;
  const encoded = model.encoder.apply(encoderInput(input, batch), { training }) as tf.Tensor | tf.Tensor[];
  if (family.variational) {
    const [mean, logvar] = encoded as tf.Tensor[];
    const z = training ? mean.add(logvar.mul(0.5).exp().mul(tf.randomNormal(mean.shape, 0, 1, 'float32', seed))) : mean;
    const xHat = model.decoder.apply(decoderInput(z, batch), { training }) as tf.Tensor;
    const kl = klPerImage(mean, logvar);
    const charge = training ? klCharge(mean, logvar, config.freeBits) : kl.mean();
    const loss = reconPerImage(x, xHat, config.loss).mean().add(charge.mul(klWeight)) as tf.Scalar;
    const mse = tf.squaredDifference(x, xHat.clipByValue(0, 1)).mean() as tf.Scalar;
    return { loss, mse, kl: kl.mean() as tf.Scalar };
  }
  const z = encoded as tf.Tensor;
  const xHat = model.decoder.apply(decoderInput(z, batch), { training }) as tf.Tensor;
  const pixels = x.shape[1] * x.shape[2] * x.shape[3];
  let loss = reconPerImage(x, xHat, config.loss).mean().div(pixels) as tf.Scalar;
  if (training && config.sparse > 0) loss = loss.add(z.abs().mean().mul(config.sparse));
  if (training && config.contractive > 0) {
    const nudged = input.add(tf.randomNormal(input.shape, 0, CONTRACTIVE_SIGMA, 'float32', seed + 1));
    const zNudged = model.encoder.apply(encoderInput(nudged as tf.Tensor4D, batch), { training }) as tf.Tensor;
    const jacobianNorm = tf.squaredDifference(zNudged, z).sum(1).mean().div(CONTRACTIVE_SIGMA ** 2);
    loss = loss.add(jacobianNorm.mul(config.contractive));
  }
  const mse = tf.squaredDifference(x, xHat.clipByValue(0, 1)).mean() as tf.Scalar;
  return { loss, mse };
}

/** The trainable variables of both halves, encoder first (the order the optimizer's slots are saved in). */
export function trainableVariables(model: Autoencoder): tf.Variable[] {
  return [...model.encoder.trainableWeights, ...model.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
}
