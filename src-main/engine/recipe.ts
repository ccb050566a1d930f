import { CONV_MODELS, type ModelName } from '../contract/train-config.ts';

/** The image shape and the number of training images: what the recommended recipe is chosen from. */
interface Data {
  size: number;
  channels: 1 | 3;
  count: number;
}

/**
 * Optimiser steps a default run takes at least: small datasets get many epochs. Fashion-MNIST
 * (60,000 images, batches of 32) needs about 10 epochs to halve PCA's error.
 */
export const MIN_STEPS = 20_000;
/** Training time bound when the length is chosen from the data. */
export const DEFAULT_MAX_MINUTES = 8;
const MIN_EPOCHS = 5;
const MAX_EPOCHS = 300;

function pow2Floor(n: number): number {
  return 2 ** Math.floor(Math.log2(Math.max(1, n)));
}

/** Dense widths from the input towards the code, scaled to the pixel count. */
export function defaultHidden(model: ModelName, pixels: number, latent: number): number[] {
  const first = Math.min(512, Math.max(32, pow2Floor(pixels / 2)));
  if (model !== 'deep-ae') return [first];
  return [first, Math.max(2 * latent, first / 4)];
}

/**
 * One stride-2 block per width while the size halves evenly: deeper and wider with the
 * image (16,32 at 28 px, 16,32,64 at 64 px), narrow at the top because the wasm backend's
 * convolutions cost what they cost and small datasets need many steps more than width.
 */
export function defaultFilters(size: number): number[] {
  const widths = size <= 32 ? [16, 32] : size <= 64 ? [16, 32, 64] : [16, 32, 64, 128];
  while (widths.length > 1 && size % 2 ** widths.length !== 0) widths.pop();
  return widths;
}

/** A latent size that suits the count: few images support few independent factors. */
export function recommendedLatent(count: number): number {
  return count < 1000 ? 8 : count < 20_000 ? 16 : 32;
}

export interface Recipe {
  model: ModelName;
  latent: number;
  /** One sentence a user reads in the run's record. */
  reason: string;
}

/** The model for a dataset when the user names none: convolutions wherever the images have room for them. */
export function recommendRecipe(data: Data): Recipe {
  const latent = recommendedLatent(data.count);
  const shape = `${data.size}x${data.size}x${data.channels}`;
  const count = `${data.count.toLocaleString('en')} training images`;
  if (data.size >= 16 && data.size % 4 === 0) {
    return {
      model: 'conv-ae',
      latent,
      reason: `conv-ae with filters ${defaultFilters(data.size).join(',')}: ${shape} images have spatial structure convolutions share across the image; latent ${latent} for ${count}`,
    };
  }
  return { model: 'deep-ae', latent, reason: `deep-ae: ${shape} images are too small to halve twice for convolutions; latent ${latent} for ${count}` };
}

/**
 * Images per optimiser step when none is given. Small datasets need many steps more than
 * large batches: on the demo faces (1,811 images, 22 epochs, lr 0.004) the conv-ae reached
 * val MSE 0.62x PCA with batches of 16 and 0.93x with 32; on Fashion-MNIST 60,000, five
 * epochs reached 0.51x with batches of 32 and 0.59x with 128 (PyTorch peer, same network).
 * The dense families keep larger batches: their wide matrices and Adam's per-step update of
 * millions of weights make small steps slow on the wasm backend.
 */
export function defaultBatch(model: ModelName, count: number): number {
  if (model === 'conv-ae') return count < 5_000 ? 16 : 32;
  return count < 20_000 ? 64 : 128;
}

/** Peak learning rate when none is given; the conv-ae's batch norm takes a larger one (0.004 beat 0.002 on the faces). */
export function defaultLearningRate(model: ModelName): number {
  return model === 'conv-ae' ? 4e-3 : CONV_MODELS.includes(model) ? 2e-3 : 1e-3;
}

export interface TrainingPlan {
  epochs: number;
  batch: number;
  earlyStop: boolean;
  maxMinutes: number | null;
}

/**
 * How long to train. `--epochs N` means exactly N; otherwise enough epochs for MIN_STEPS
 * optimiser steps, early stopping on the validation loss and a time bound.
 */
export function trainingPlan(model: ModelName, data: Data, given: { epochs?: number; batch?: number; maxMinutes?: number }): TrainingPlan {
  const batch = given.batch ?? defaultBatch(model, data.count);
  if (given.epochs !== undefined) return { epochs: given.epochs, batch, earlyStop: false, maxMinutes: given.maxMinutes ?? null };
  const stepsPerEpoch = Math.max(1, Math.ceil(data.count / batch));
  const epochs = Math.min(MAX_EPOCHS, Math.max(MIN_EPOCHS, Math.ceil(MIN_STEPS / stepsPerEpoch)));
  return { epochs, batch, earlyStop: true, maxMinutes: given.maxMinutes ?? DEFAULT_MAX_MINUTES };
}
