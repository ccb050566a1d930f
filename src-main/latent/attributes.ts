import { UserError } from '../errors.ts';
import { itemLabelsAndAttributes } from '../store/items.ts';
import type { Db } from '../store/open.ts';
import { runDataset } from '../store/runs.ts';
import { listSets } from '../store/sets.ts';
import { rocAuc } from './auc.ts';
import type { RunCodes } from './codes.ts';

export interface AttributeVector {
  name: string;
  kind: 'attribute' | 'label' | 'set';
  /** Mean code of items with the attribute minus mean code of items without (weighted when balanced). */
  vector: Float32Array;
  /** ROC AUC of z . vector as a separator of the attribute, over every item whose value is known. */
  auc: number;
  withCount: number;
  withoutCount: number;
  /** Attributes it was balanced against (empty when not balanced). */
  balancedAgainst: string[];
  /** z . vector at the mean code of the items without and with the attribute: the ends of the attribute's unit. */
  axis: { without: number; with: number };
}

/** Per embedded row: 1, 0, or -1 when unknown. */
interface Membership {
  name: string;
  kind: 'attribute' | 'label' | 'set';
  values: Int8Array;
}

function memberships(db: Db, codes: RunCodes): { attributes: Membership[]; labels: Membership[]; sets: Membership[] } {
  const dataset = runDataset(db, codes.runId);
  if (!dataset) throw new UserError(`There is no run ${codes.runId}.`, 'not_found');
  const names = dataset.attributes;
  const rowById = new Map<number, number>();
  codes.itemIds.forEach((id, row) => rowById.set(id, row));
  const attributes = names.map((name) => ({ name, kind: 'attribute' as const, values: new Int8Array(codes.n).fill(-1) }));
  const labelOfRow: (string | null)[] = new Array(codes.n).fill(null);
  for (const [id, label, json] of itemLabelsAndAttributes(db, dataset.id)) {
    const row = rowById.get(id);
    if (row === undefined) continue;
    labelOfRow[row] = label;
    if (!json) continue;
    const values = JSON.parse(json) as Record<string, number>;
    for (const a of attributes) if (values[a.name] === 0 || values[a.name] === 1) a.values[row] = values[a.name];
  }
  const labelNames = [...new Set(labelOfRow.filter((l): l is string => l !== null))].sort();
  const labels = labelNames.map((name) => ({ name, kind: 'label' as const, values: Int8Array.from(labelOfRow, (l) => (l === null ? -1 : l === name ? 1 : 0)) }));
  const sets = listSets(db, dataset.id).map((set) => {
    const values = new Int8Array(codes.n);
    for (const id of set.itemIds) if (rowById.has(id)) values[rowById.get(id)!] = 1;
    return { name: set.name, kind: 'set' as const, values };
  });
  return { attributes, labels, sets };
}

/**
 * Row weights that balance `target` against other attributes: rows are
 * grouped into cells by their values of the `against` attributes, and within
 * each cell the smaller of the with / without groups is replicated (weighted)
 * up to the larger, so both groups end with the same mix of the other
 * attributes and the vector stops carrying them (the bias correction of
 * Larsen et al.'s attribute vectors). Cells where one side is empty cannot
 * be balanced and are left out; so are rows with any value unknown.
 */
function balancingWeights(target: Int8Array, against: Membership[]): Float64Array {
  const n = target.length;
  const cellOf = new Array<string | null>(n);
  const counts = new Map<string, [number, number]>();
  for (let i = 0; i < n; i++) {
    if (target[i] < 0 || against.some((a) => a.values[i] < 0)) {
      cellOf[i] = null;
      continue;
    }
    const cell = against.map((a) => a.values[i]).join('');
    cellOf[i] = cell;
    const c = counts.get(cell) ?? [0, 0];
    c[target[i]]++;
    counts.set(cell, c);
  }
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const cell = cellOf[i];
    if (cell === null) continue;
    const [without, withIt] = counts.get(cell)!;
    if (without === 0 || withIt === 0) continue;
    weights[i] = Math.max(without, withIt) / (target[i] ? withIt : without);
  }
  return weights;
}

function vectorFor(codes: RunCodes, member: Membership, against: Membership[]): AttributeVector | null {
  const { n, dim } = codes;
  const weights = against.length > 0 ? balancingWeights(member.values, against) : Float64Array.from(member.values, (v) => (v < 0 ? 0 : 1));
  const sums = [new Float64Array(dim), new Float64Array(dim)];
  const totals = [0, 0];
  const counts = [0, 0];
  for (let i = 0; i < n; i++) {
    const v = member.values[i];
    if (v < 0) continue;
    counts[v]++;
    const w = weights[i];
    if (w === 0) continue;
    totals[v] += w;
    for (let k = 0; k < dim; k++) sums[v][k] += w * codes.codes[i * dim + k];
  }
  if (totals[0] === 0 || totals[1] === 0) return null;
  const vector = new Float32Array(dim);
  for (let k = 0; k < dim; k++) vector[k] = sums[1][k] / totals[1] - sums[0][k] / totals[0];
  let without = 0;
  let withIt = 0;
  for (let k = 0; k < dim; k++) {
    without += (sums[0][k] / totals[0]) * vector[k];
    withIt += (sums[1][k] / totals[1]) * vector[k];
  }
  const known: number[] = [];
  for (let i = 0; i < n; i++) if (member.values[i] >= 0) known.push(i);
  const scores = known.map((i) => {
    let s = 0;
    for (let k = 0; k < dim; k++) s += codes.codes[i * dim + k] * vector[k];
    return s;
  });
  const auc = rocAuc(
    scores,
    known.map((i) => member.values[i] === 1),
  );
  return { name: member.name, kind: member.kind, vector, auc, withCount: counts[1], withoutCount: counts[0], balancedAgainst: against.map((a) => a.name), axis: { without, with: withIt } };
}

/**
 * Attribute vectors for every binary attribute of the run's dataset, every
 * label and every saved set (one-vs-rest). `balanced` names attributes to balance each vector
 * against (an attribute is never balanced against itself). Attributes that
 * every item has, or none has, get no vector.
 */
export function attributeVectors(db: Db, codes: RunCodes, balanced: string[] = []): AttributeVector[] {
  const { attributes, labels, sets } = memberships(db, codes);
  const out: AttributeVector[] = [];
  for (const member of [...attributes, ...labels, ...sets]) {
    const vector = vectorFor(codes, member, balanceSet(attributes, balanced, member.name));
    if (vector) out.push(vector);
  }
  return out;
}

function balanceSet(attributes: Membership[], balanced: string[], target: string): Membership[] {
  for (const name of balanced) {
    if (!attributes.some((a) => a.name === name)) {
      throw new UserError(`cannot balance against "${name}": the dataset's attributes are ${attributes.map((a) => a.name).join(', ') || '(none)'}`, 'invalid_input');
    }
  }
  return attributes.filter((a) => balanced.includes(a.name) && a.name !== target);
}

/** One attribute's (or else label's) vector; a UserError naming the available ones. */
export function attributeVector(db: Db, codes: RunCodes, name: string, balanced: string[] = []): AttributeVector {
  const { attributes, labels, sets } = memberships(db, codes);
  const member = [...attributes, ...labels, ...sets].find((m) => m.name === name);
  const vector = member ? vectorFor(codes, member, balanceSet(attributes, balanced, name)) : null;
  if (!vector) {
    const names = [...attributes, ...labels, ...sets].map((m) => m.name);
    const why = member ? `"${name}" needs items both with and without it` : `No attribute or label "${name}"`;
    throw new UserError(`${why}; attributes and labels: ${names.join(', ') || '(none)'}.`, member ? 'invalid_input' : 'not_found');
  }
  return vector;
}

/** z + strength * v. */
export function shiftCode(code: ArrayLike<number>, vector: ArrayLike<number>, strength: number): Float32Array {
  return Float32Array.from(code, (z, k) => z + strength * vector[k]);
}

/**
 * Where a code sits on an attribute's axis, in units that mean the same for every run and
 * seed: 0 at the mean code of the items without the attribute, 1 at the mean of those with
 * it (the projection on the vector, divided by the distance between the two means along it).
 */
export function axisPosition(code: ArrayLike<number>, attribute: Pick<AttributeVector, 'vector' | 'axis'>): number {
  let dot = 0;
  for (let k = 0; k < attribute.vector.length; k++) dot += code[k] * attribute.vector[k];
  return (dot - attribute.axis.without) / (attribute.axis.with - attribute.axis.without);
}

/**
 * An attribute edit in axis units. 'shift' moves the code by `strength` (z + s v: the
 * distance between the class means times s); 'place' moves it along the vector to position
 * `strength` whatever its start (1 = as far along as the average item with the attribute),
 * so the same strength gives the same degree of the attribute for every image and seed.
 */
export function editCode(
  code: ArrayLike<number>,
  attribute: Pick<AttributeVector, 'vector' | 'axis'>,
  strength: number,
  mode: 'shift' | 'place',
): { code: Float32Array; from: number; to: number } {
  const from = axisPosition(code, attribute);
  const to = mode === 'shift' ? from + strength : strength;
  return { code: shiftCode(code, attribute.vector, to - from), from, to };
}

/** z_A - z_B + z_C: "A is to B as ? is to C". */
export function analogyCode(a: ArrayLike<number>, b: ArrayLike<number>, c: ArrayLike<number>): Float32Array {
  return Float32Array.from(a, (z, k) => z - b[k] + c[k]);
}
