import type { ItemSet } from '../../src-main/contract/contract.ts';
import { colorByCategory, colorByScale, type Coloring } from './colors.ts';
import type { ExploreFilters } from './view-state.ts';

/** What colourings and filters read of the Explore view's data (ExploreData has it). */
interface PointsData {
  itemIds: number[];
  labels: Array<string | null>;
  attributes: Array<Record<string, number> | null>;
  splits: Array<'train' | 'val'>;
  scores: Float64Array | null;
  scoreName: string;
  /** Every stored outlier score, each a colour choice `score:NAME`. */
  scoreSets: { name: string; label: string; values: Float64Array }[];
}

/** The categories a colouring sorts points into (legend entries), or null for a continuous scale. */
interface Categories {
  values: Array<string | null>;
  missingName: string;
}

/** What a colour choice means when the data has been looked at: '' becomes labels, or the score for unlabelled data. */
export function effectiveColor(colorBy: string, d: PointsData): string {
  if (colorBy) return colorBy;
  return d.scores && d.labels.every((l) => l === null) ? 'score' : 'label';
}

function categoriesOf(d: PointsData, colorBy: string, sets: ItemSet[]): Categories | null {
  if (colorBy === 'split') return { values: d.splits, missingName: 'none' };
  if (colorBy === 'label') return { values: d.labels, missingName: '(no label)' };
  if (colorBy.startsWith('attr:')) {
    const name = colorBy.slice(5);
    return { values: d.attributes.map((a) => (a && name in a ? (a[name] === 1 ? name : `not ${name}`) : null)), missingName: 'unknown' };
  }
  if (colorBy.startsWith('set:')) {
    const name = colorBy.slice(4);
    const members = new Set(sets.find((s) => s.name === name)?.itemIds ?? []);
    return { values: d.itemIds.map((id) => (members.has(id) ? name : `not in ${name}`)), missingName: 'none' };
  }
  return null;
}

/**
 * Point colours and legend for a colour choice: categories (label, split,
 * attribute, set) or a scale (the stored score, a latent dimension's values).
 */
export function coloringOf(d: PointsData, colorBy: string, sets: ItemSet[], dimValues: ArrayLike<number> | null): Coloring {
  const categories = categoriesOf(d, colorBy, sets);
  if (categories) return colorByCategory(categories.values, categories.missingName);
  if (colorBy.startsWith('dim:') && dimValues) return colorByScale(dimValues, `z${colorBy.slice(4)}`);
  const scoreSet = d.scoreSets.find((set) => colorBy === `score:${set.name}`);
  if (scoreSet) return colorByScale(scoreSet.values, scoreSet.label);
  if (d.scores) return colorByScale(d.scores, d.scoreName);
  return colorByCategory(d.labels, '(no label)');
}

/** Per point, 1 when the filters leave it out; null when no filter is set. */
export function filteredOut(d: PointsData, colorBy: string, filters: ExploreFilters, sets: ItemSet[]): Uint8Array | null {
  const tests: Array<(i: number) => boolean> = [];
  const categories = filters.hidden.length ? categoriesOf(d, colorBy, sets) : null;
  if (categories) {
    const hidden = new Set(filters.hidden);
    tests.push((i) => hidden.has(categories.values[i] ?? categories.missingName));
  }
  if (filters.split) tests.push((i) => d.splits[i] !== filters.split);
  if (filters.set !== null) {
    const members = new Set(sets.find((s) => s.name === filters.set)?.itemIds ?? []);
    tests.push((i) => !members.has(d.itemIds[i]));
  }
  if (filters.attribute) {
    const [name, value] = filters.attribute.split('=');
    tests.push((i) => d.attributes[i]?.[name] !== Number(value));
  }
  const { scoreMin: lo, scoreMax: hi } = filters;
  if (d.scores && (lo !== null || hi !== null)) {
    const scores = d.scores;
    tests.push((i) => !(scores[i] >= (lo ?? -Infinity) && scores[i] <= (hi ?? Infinity)));
  }
  if (!tests.length) return null;
  const out = new Uint8Array(d.itemIds.length);
  for (let i = 0; i < out.length; i++) out[i] = tests.some((t) => t(i)) ? 1 : 0;
  return out;
}
