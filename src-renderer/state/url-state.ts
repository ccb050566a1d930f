import { watch } from 'vue';
import { exploreView, filtersActive, noFilters, type CameraState, type ExploreFilters } from '../explore/view-state.ts';
import { session, tabs, type TabId } from './session.ts';

/**
 * The view in the address: tab, dataset, run, and the Explore view's
 * projection, colour, filters, selection set, camera and inspected item, kept in the hash
 * (#tab=explore&run=3&proj=umap&...), so a bookmark or a reload shows the same
 * view. The hash never reaches the server and survives its token redirect.
 */
export function readUrlState(hash = location.hash): void {
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const number = (name: string) => {
    const v = Number(q.get(name));
    return q.has(name) && Number.isInteger(v) && v > 0 ? v : null;
  };
  const tab = q.get('tab');
  if (tab && tabs.some((t) => t.id === tab)) session.tab = tab as TabId;
  session.datasetId = number('ds') ?? session.datasetId;
  session.runId = number('run') ?? session.runId;
  const method = q.get('proj');
  if (method === 'pca' || method === 'umap' || method === 'raw') exploreView.method = method;
  const dims = q.get('dims')?.split(',').map(Number);
  if (dims?.length === 3 && dims.every((d) => Number.isInteger(d) && d >= 0)) exploreView.dims = dims as [number, number, number];
  exploreView.colorBy = q.get('color') ?? '';
  exploreView.flat = q.get('flat') === '1';
  exploreView.filters = { ...noFilters(), ...parseJson<Partial<ExploreFilters>>(q.get('filter')) };
  exploreView.selectionSet = q.get('sel');
  exploreView.camera = parseJson<CameraState>(q.get('cam'));
  exploreView.focusId = number('item');
}

function parseJson<T>(text: string | null): T | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null; // a hand-edited address: the default view
  }
}

export function urlHash(): string {
  const q = new URLSearchParams();
  q.set('tab', session.tab);
  if (session.datasetId !== null) q.set('ds', String(session.datasetId));
  if (session.runId !== null) q.set('run', String(session.runId));
  q.set('proj', exploreView.method);
  if (exploreView.method === 'raw') q.set('dims', exploreView.dims.join(','));
  if (exploreView.colorBy) q.set('color', exploreView.colorBy);
  if (exploreView.flat) q.set('flat', '1');
  if (filtersActive(exploreView.filters) || exploreView.filters.mode !== 'dim') q.set('filter', JSON.stringify(exploreView.filters));
  if (exploreView.selectionSet !== null) q.set('sel', exploreView.selectionSet);
  if (exploreView.camera) q.set('cam', JSON.stringify(exploreView.camera));
  if (session.focusItem) q.set('item', String(session.focusItem.id));
  return `#${q.toString()}`;
}

/** Keeps the address in step with the view (replacing the history entry: moving the camera is not a page to go back to). */
export function syncUrlState(): void {
  watch(
    [() => session.tab, () => session.datasetId, () => session.runId, () => session.focusItem?.id, () => JSON.stringify(exploreView)],
    () => history.replaceState(null, '', urlHash()),
    { immediate: true },
  );
}
