import type { AtlasLayout, ItemRow, OutlierScore, Projection } from '../../src-main/contract/contract.ts';
import { api, atlasUrl } from '../api/client.ts';
import { scoreLabels } from '../state/score-names.ts';
import type { ThumbnailSource } from './thumbnail-slots.ts';

/** Everything the Explore view draws for one run and projection, in the projection's item order. */
export interface ExploreData {
  itemIds: number[];
  indexOf: Map<number, number>;
  xyz: Float32Array;
  paths: string[];
  labels: Array<string | null>;
  attributes: Array<Record<string, number> | null>;
  splits: Array<'train' | 'val'>;
  /** The default outlier score per item; NaN where none. Null when the run has no scores. */
  scores: Float64Array | null;
  scoreName: string;
  /** Every score the run has, to colour by. */
  scoreSets: { name: OutlierScore; label: string; values: Float64Array }[];
}

const PAGE = 10_000;

export async function loadItems(datasetId: number, total: number): Promise<ItemRow[]> {
  const pages: Promise<{ items: ItemRow[] }>[] = [];
  for (let offset = 0; offset < Math.max(total, 1); offset += PAGE) pages.push(api.listItems({ datasetId, offset, limit: PAGE }));
  return (await Promise.all(pages)).flatMap((p) => p.items);
}

export async function loadExploreData(projection: Projection, datasetId: number, itemCount: number): Promise<ExploreData> {
  const n = projection.itemIds.length;
  const indexOf = new Map<number, number>();
  projection.itemIds.forEach((id, i) => indexOf.set(id, i));
  const xyz = new Float32Array(projection.coords);
  const [rows, runScores] = await Promise.all([loadItems(datasetId, itemCount), api.runScores({ runId: projection.runId }).catch(() => null)]);
  const paths: string[] = new Array<string>(n).fill('');
  const labels: Array<string | null> = new Array<string | null>(n).fill(null);
  const attributes: Array<Record<string, number> | null> = new Array<Record<string, number> | null>(n).fill(null);
  const splits: Array<'train' | 'val'> = new Array<'train' | 'val'>(n).fill('train');
  for (const row of rows) {
    const i = indexOf.get(row.id);
    if (i === undefined) continue;
    paths[i] = row.path;
    labels[i] = row.label;
    attributes[i] = row.attributes;
    splits[i] = row.split;
  }
  const scoreSets = Object.entries(runScores?.scores ?? {}).map(([name, values]) => {
    const inOrder = new Float64Array(n).fill(Number.NaN);
    runScores!.itemIds.forEach((id, at) => {
      const i = indexOf.get(id);
      if (i !== undefined) inOrder[i] = values[at];
    });
    return { name: name as OutlierScore, label: scoreLabels[name as OutlierScore], values: inOrder };
  });
  const main = scoreSets.find((set) => set.name === runScores?.score) ?? null;
  return { itemIds: projection.itemIds, indexOf, xyz, paths, labels, attributes, splits, scores: main?.values ?? null, scoreName: main?.label ?? 'outlier score', scoreSets };
}

/** Thumbnails from the import's atlas (the smallest tile size), located by the item's atlas slot. */
export function atlasThumbnails(layout: AtlasLayout, itemIds: number[]): ThumbnailSource | null {
  const tiles = [...layout.tiles].sort((a, b) => a.tile - b.tile)[0];
  if (!tiles || tiles.pages === 0) return null;
  const slotOf = new Map<number, number>();
  layout.itemIds.forEach((id, slot) => slotOf.set(id, slot));
  const perPage = tiles.columns * tiles.rows;
  return {
    tileSize: tiles.tile,
    tileOf(index) {
      const slot = slotOf.get(itemIds[index]);
      if (slot === undefined) return null;
      const inPage = slot % perPage;
      return {
        url: atlasUrl(layout.datasetId, tiles.tile, Math.floor(slot / perPage)),
        x: (inPage % tiles.columns) * tiles.tile,
        y: Math.floor(inPage / tiles.columns) * tiles.tile,
      };
    },
  };
}
