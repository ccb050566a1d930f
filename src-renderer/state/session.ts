import { reactive } from 'vue';
import type { AppInfo, DatasetSummary, RunSummary } from '../../src-main/contract/contract.ts';
import { api, onEvent } from '../api/client.ts';
import { errorMessage } from './errors.ts';

export const tabs = [
  { id: 'datasets', title: 'Datasets', needs: 'nothing' },
  { id: 'train', title: 'Train', needs: 'dataset' },
  { id: 'runs', title: 'Runs', needs: 'dataset' },
  { id: 'explore', title: 'Explore', needs: 'run' },
  { id: 'interpolate', title: 'Interpolate', needs: 'run' },
  { id: 'attributes', title: 'Attributes', needs: 'run' },
  { id: 'generate', title: 'Generate', needs: 'run' },
  { id: 'outliers', title: 'Outliers', needs: 'run' },
  { id: 'export', title: 'Export', needs: 'run' },
] as const;

export type TabId = (typeof tabs)[number]['id'];

/** An item picked for a two- or three-item tool (interpolation ends, analogy terms). */
export interface PickedItem {
  id: number;
  path: string;
  label: string | null;
}

export type PickSlot = 'a' | 'b' | 'c';

/** What the whole window shares: the chosen dataset and run, the tab, the items picked for tools. */
export const session = reactive({
  info: null as AppInfo | null,
  datasets: [] as DatasetSummary[],
  runs: [] as RunSummary[],
  datasetId: null as number | null,
  runId: null as number | null,
  tab: 'datasets' as TabId,
  theme: (localStorage.getItem('latent-lab.theme') === 'light' ? 'light' : 'dark') as 'dark' | 'light',
  picks: { a: null, b: null, c: null } as Record<PickSlot, PickedItem | null>,
  /** The item the inspector shows (Explore) and the tools start from. */
  focusItem: null as PickedItem | null,
  loadError: null as string | null,
  showShortcuts: false,
  /** An application-menu action (Electron) waiting for its panel to perform it. */
  menuAction: null as 'openFolder' | 'exportCsv' | 'tryDemo' | null,
});

export function currentDataset(): DatasetSummary | null {
  return session.datasets.find((d) => d.id === session.datasetId) ?? null;
}

export function currentRun(): RunSummary | null {
  return session.runs.find((r) => r.id === session.runId) ?? null;
}

/** A run that has codes to explore: trained at least one epoch and not training right now. */
export function isExplorable(run: RunSummary | null): boolean {
  return !!run && run.epochsDone > 0 && run.status !== 'running' && run.status !== 'queued';
}

export function setTheme(theme: 'dark' | 'light'): void {
  session.theme = theme;
  localStorage.setItem('latent-lab.theme', theme);
  document.documentElement.dataset.theme = theme;
}

export async function refreshDatasets(): Promise<void> {
  try {
    session.datasets = await api.listDatasets();
    session.loadError = null;
    const kept = session.datasetId !== null && session.datasets.some((d) => d.id === session.datasetId);
    if (!kept) session.datasetId = session.datasets[0]?.id ?? null;
    if (!kept || session.runs.length === 0) await refreshRuns(); // a bookmarked dataset still needs its runs
  } catch (error) {
    session.loadError = errorMessage(error);
  }
}

export async function refreshRuns(): Promise<void> {
  if (session.datasetId === null) {
    session.runs = [];
    session.runId = null;
    return;
  }
  try {
    session.runs = await api.listRuns({ datasetId: session.datasetId });
    if (session.runId === null || !session.runs.some((r) => r.id === session.runId)) {
      session.runId = session.runs.find((r) => isExplorable(r))?.id ?? session.runs[0]?.id ?? null;
    }
  } catch (error) {
    session.loadError = errorMessage(error);
  }
}

export async function selectDataset(id: number): Promise<void> {
  if (session.datasetId === id) return;
  session.datasetId = id;
  session.runId = null;
  session.picks = { a: null, b: null, c: null };
  session.focusItem = null;
  await refreshRuns();
}

export function selectRun(id: number): void {
  session.runId = id;
}

export function pick(slot: PickSlot, item: PickedItem): void {
  session.picks[slot] = item;
}

/** Loads what the window needs and keeps the lists fresh as imports and runs change. */
export async function startSession(): Promise<void> {
  document.documentElement.dataset.theme = session.theme;
  // imports, deletions and runs made here, in another window or by the CLI (the API polls for those)
  onEvent('datasets.changed', () => void refreshDatasets());
  onEvent('runs.changed', () => void refreshRuns());
  onEvent('menu', ({ action }) => {
    session.menuAction = action;
    session.tab = action === 'exportCsv' ? 'export' : 'datasets';
  });
  onEvent('train.epoch', ({ runId, ...epoch }) => {
    const run = session.runs.find((r) => r.id === runId);
    if (!run) return;
    run.epochsDone = Math.max(run.epochsDone, epoch.epoch);
    run.last = epoch;
  });
  onEvent('run.status', (status) => {
    const run = session.runs.find((r) => r.id === status.runId);
    if (run) {
      run.status = status.status;
      run.error = status.error;
      if (status.backend) run.backend = status.backend;
    }
    void refreshRuns();
  });
  try {
    session.info = await api.appInfo();
  } catch (error) {
    session.loadError = errorMessage(error);
  }
  await refreshDatasets();
}
