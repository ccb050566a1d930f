import { reactive } from 'vue';

/** Where the camera is (a bookmark restores it). */
export interface CameraState {
  flat: boolean;
  position: [number, number, number];
  target: [number, number, number];
  zoom: number;
}

/** What narrows the points shown: each filter that is set must hold for a point to stay. */
export interface ExploreFilters {
  /** Legend entries switched off (category names of the current colouring). */
  hidden: string[];
  split: 'train' | 'val' | null;
  /** Only the items of this saved set. */
  set: string | null;
  /** `NAME=1` or `NAME=0`: items with (or without) a binary attribute. */
  attribute: string | null;
  /** Score range, either end open. */
  scoreMin: number | null;
  scoreMax: number | null;
  /** Points filtered out fade, or are not drawn at all (nor hovered, nor selectable). */
  mode: 'dim' | 'hide';
}

export const noFilters = (): ExploreFilters => ({ hidden: [], split: null, set: null, attribute: null, scoreMin: null, scoreMax: null, mode: 'dim' });

/** The Explore view as a bookmark holds it (see state/url-state.ts). */
export const exploreView = reactive({
  method: 'pca' as 'pca' | 'umap' | 'raw',
  dims: [0, 1, 2] as [number, number, number],
  /** label, split, score, attr:NAME, set:NAME, dim:K; '' picks from the data (labels, else the score). */
  colorBy: '',
  flat: false,
  filters: noFilters(),
  /** The saved set shown as the selection, if the selection is one. */
  selectionSet: null as string | null,
  camera: null as CameraState | null,
  /** The item in the inspector, from a bookmark, until the view has loaded it. */
  focusId: null as number | null,
});

export function filtersActive(f: ExploreFilters): boolean {
  return f.hidden.length > 0 || f.split !== null || f.set !== null || f.attribute !== null || f.scoreMin !== null || f.scoreMax !== null;
}
