import type { RunModel } from '../engine/run-model.ts';
import { UserError } from '../errors.ts';
import { labelsOfItems } from '../store/items.ts';
import type { Db } from '../store/open.ts';

/** Decoded images: n x size x size x channels values in [0, 1]. */
export interface Images {
  n: number;
  size: number;
  channels: 1 | 3;
  pixels: Float32Array;
}

/** Decodes n codes (n x latentDim); conditional models need one class index per code. */
export function decodeImages(model: RunModel, codes: Float32Array, n: number, classes?: Int32Array): Images {
  return { n, size: model.size, channels: model.channels, pixels: model.decode(codes, n, model.conditional ? classes : undefined) };
}

/** The class index of a label for a conditional model; a UserError listing the labels it knows. */
export function classIndex(model: RunModel, label: string | null | undefined): number {
  const index = label === null || label === undefined ? -1 : model.labels.indexOf(label);
  if (index < 0) {
    throw new UserError(
      label ? `Run ${model.runId} has no label "${label}"; its labels are ${model.labels.join(', ')}.` : `Run ${model.runId} is conditional: choose a label (${model.labels.join(', ')}).`,
      'invalid_input',
    );
  }
  return index;
}

/** Class indices of items for a conditional model (undefined for others). */
export function itemClasses(db: Db, model: RunModel, itemIds: number[]): Int32Array | undefined {
  if (!model.conditional) return undefined;
  return Int32Array.from(labelsOfItems(db, itemIds), (label) => classIndex(model, label));
}
