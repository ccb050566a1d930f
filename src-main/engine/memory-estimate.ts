import os from 'node:os';
import { UserError } from '../errors.ts';
import { CONV_MODELS, VARIATIONAL_MODELS, type ImageShape, type TrainConfig } from './config.ts';

/** Models whose dense trunk has the `hidden` widths (the others go straight to the code, or use convolutions). */
const HIDDEN_MODELS = new Set(['deep-ae', 'vae', 'cvae']);
const FLOAT = 4;
/** Weights, their gradients, and Adam's two moments. */
const COPIES_PER_PARAMETER = 4;
/** Each layer output is kept for the backward pass, gets a gradient, and a temporary or two in tfjs. */
const COPIES_PER_ACTIVATION = 3;

export interface MemoryEstimate {
  parameters: number;
  /** Weights, gradients and optimizer state. */
  modelBytes: number;
  /** Layer outputs and their gradients for one batch. */
  activationBytes: number;
  totalBytes: number;
}

/** One layer: its parameter count and its output width per sample. */
type Layer = [parameters: number, outputs: number];

function denseChain(widths: number[]): Layer[] {
  return widths.slice(1).map((out, i) => [widths[i] * out + out, out]);
}

function convLayers(shape: ImageShape, filters: number[]): { encoder: Layer[]; decoder: Layer[]; map: number } {
  const encoder: Layer[] = [];
  const decoder: Layer[] = [];
  let side = shape.size;
  let inChannels: number = shape.channels;
  for (const out of filters) {
    // The mirrored transposed convolution goes back to this layer's input map.
    decoder.unshift([9 * out * inChannels + inChannels, side * side * inChannels]);
    side = Math.ceil(side / 2);
    encoder.push([9 * inChannels * out + out, side * side * out]);
    inChannels = out;
  }
  return { encoder, decoder, map: side * side * inChannels };
}

/**
 * The memory a training run needs, from its config and image shape alone:
 * parameters (with gradients and Adam state) plus the activations of one
 * batch, forward and backward. A rough upper figure, for refusing runs that
 * cannot fit before they start, not a measurement.
 */
export function estimateTrainingMemory(config: TrainConfig, shape: ImageShape): MemoryEstimate {
  const pixels = shape.size * shape.size * shape.channels;
  const code = config.latent * (VARIATIONAL_MODELS.includes(config.model) ? 2 : 1);
  const decoderInput = config.latent + config.labels.length;
  let layers: Layer[];
  if (CONV_MODELS.includes(config.model)) {
    const conv = convLayers(shape, config.filters);
    layers = [...conv.encoder, ...denseChain([conv.map, code]), ...denseChain([decoderInput, conv.map]), ...conv.decoder];
  } else {
    const hidden = HIDDEN_MODELS.has(config.model) ? config.hidden : [];
    layers = [...denseChain([pixels + config.labels.length, ...hidden, code]), ...denseChain([decoderInput, ...[...hidden].reverse(), pixels])];
  }
  const parameters = layers.reduce((sum, [p]) => sum + p, 0);
  const perSample = pixels + layers.reduce((sum, [, outputs]) => sum + outputs, 0);
  const modelBytes = parameters * FLOAT * COPIES_PER_PARAMETER;
  const activationBytes = perSample * config.batch * FLOAT * COPIES_PER_ACTIVATION;
  return { parameters, modelBytes, activationBytes, totalBytes: modelBytes + activationBytes };
}

const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(bytes < 2 ** 30 ? 2 : 1)} GiB`;

/**
 * Refuses a run whose estimate is over `budgetBytes` (by default half of this
 * machine's memory), naming the option that shrinks it most.
 */
export function checkTrainingMemory(config: TrainConfig, shape: ImageShape, budgetBytes = os.totalmem() / 2): MemoryEstimate {
  const estimate = estimateTrainingMemory(config, shape);
  if (estimate.totalBytes <= budgetBytes) return estimate;
  const sizeOption = CONV_MODELS.includes(config.model) ? '--filters' : HIDDEN_MODELS.has(config.model) ? '--hidden' : '--latent';
  const advice =
    estimate.activationBytes >= estimate.modelBytes ? `lower --batch (now ${config.batch}), or ${sizeOption}` : `lower ${sizeOption}, or --batch (now ${config.batch})`;
  throw new UserError(
    `This run would need about ${gib(estimate.totalBytes)} of memory (${gib(estimate.modelBytes)} for ${estimate.parameters.toLocaleString('en-US')} parameters ` +
      `with their gradients and optimizer state, ${gib(estimate.activationBytes)} for a batch of ${config.batch}), over the ${gib(budgetBytes)} ` +
      `it may use (half of this machine's memory): ${advice}.`,
    'too_big',
  );
}
