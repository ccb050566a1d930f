import type { RunModel } from '../engine/run-model.ts';
import type { Db } from '../store/open.ts';
import { analogyCode, attributeVector, axisPosition, editCode, type AttributeVector } from './attributes.ts';
import { codeOf, type RunCodes } from './codes.ts';
import { decodeImages, itemClasses, type Images } from './decode.ts';

export interface ShiftedImages extends Images {
  vector: AttributeVector;
  strengths: number[];
  /** One code per strength, strengths.length x D. */
  codes: Float32Array;
  /** The item's position on the attribute's axis (0 = mean without, 1 = mean with), and each edit's. */
  from: number;
  to: number[];
}

/**
 * Each strength's edit of the item's code along the attribute's (or label's) vector v,
 * decoded: 'shift' is z + s v, 'place' moves z to position s on the attribute's axis.
 */
export function applyAttribute(
  db: Db,
  model: RunModel,
  codes: RunCodes,
  itemId: number,
  attribute: string,
  strengths: number[],
  balanced: string[] = [],
  mode: 'shift' | 'place' = 'shift',
): ShiftedImages {
  const vector = attributeVector(db, codes, attribute, balanced);
  const z = codeOf(codes, itemId);
  const shifted = new Float32Array(strengths.length * codes.dim);
  const edits = strengths.map((s, i) => {
    const edit = editCode(z, vector, s, mode);
    shifted.set(edit.code, i * codes.dim);
    return edit;
  });
  const classes = itemClasses(db, model, strengths.map(() => itemId));
  return { vector, strengths, codes: shifted, from: axisPosition(z, vector), to: edits.map((e) => e.to), ...decodeImages(model, shifted, strengths.length, classes) };
}

/** decode(z_A - z_B + z_C); a conditional model decodes with C's label. */
export function analogy(db: Db, model: RunModel, codes: RunCodes, a: number, b: number, c: number): Images & { code: Float32Array } {
  const code = analogyCode(codeOf(codes, a), codeOf(codes, b), codeOf(codes, c));
  return { code, ...decodeImages(model, code, 1, itemClasses(db, model, [c])) };
}

/** Each item's reconstruction: decode of its stored code. */
export function reconstructions(db: Db, model: RunModel, codes: RunCodes, itemIds: number[]): Images {
  const stacked = new Float32Array(itemIds.length * codes.dim);
  itemIds.forEach((id, i) => stacked.set(codeOf(codes, id), i * codes.dim));
  return decodeImages(model, stacked, itemIds.length, itemClasses(db, model, itemIds));
}
