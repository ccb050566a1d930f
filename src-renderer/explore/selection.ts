import { ref, type Ref } from 'vue';
import type { ItemSet } from '../../src-main/contract/contract.ts';
import type { ExploreData } from './explore-data.ts';
import { exploreView } from './view-state.ts';

/**
 * The Explore view's selection, as point indices: replaced, toggled, added to,
 * inverted, or taken from a saved set (whose name the bookmark then holds).
 * Only points the filters leave shown are selected by a gesture.
 */
export function useSelection(data: Readonly<Ref<ExploreData | null>>, filtered: Readonly<Ref<Uint8Array | null>>) {
  const selected = ref<number[]>([]);
  const shown = (i: number) => !filtered.value?.[i];

  function replace(indices: number[], setName: string | null = null): void {
    selected.value = indices;
    exploreView.selectionSet = setName;
  }

  return {
    selected,
    shown,
    replace,
    toggle(index: number): void {
      const at = selected.value.indexOf(index);
      replace(at >= 0 ? selected.value.filter((i) => i !== index) : [...selected.value, index]);
    },
    /** A lasso or box: replaces the selection, or adds to it. */
    take(indices: number[], additive: boolean): void {
      const hits = indices.filter(shown);
      replace(additive ? [...new Set([...selected.value, ...hits])] : hits);
    },
    invert(): void {
      const d = data.value;
      if (!d) return;
      const inSelection = new Set(selected.value);
      const inverse: number[] = [];
      for (let i = 0; i < d.itemIds.length; i++) if (!inSelection.has(i) && shown(i)) inverse.push(i);
      replace(inverse);
    },
    fromSet(set: ItemSet | undefined): void {
      const d = data.value;
      if (d && set) replace(set.itemIds.map((id) => d.indexOf.get(id) ?? -1).filter((i) => i >= 0), set.name);
    },
  };
}
