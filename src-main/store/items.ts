import type { Db } from './open.ts';

/** Typed queries on the items table that the import's record of changes needs. */

export interface ItemConversionColumns {
  format: string;
  upscaled: boolean;
  cropped: number;
  fromColour: boolean;
  matte: string | null;
}

/** How an item was changed on import; filters for listing items. */
export type ItemChange = 'upscaled' | 'cropped' | 'fromColour' | 'transparent';

/** SQL conditions for each change (items imported before these were recorded match none). */
export const itemChangeSql: Record<ItemChange, string> = {
  upscaled: 'upscaled = 1',
  cropped: 'cropped > 0',
  fromColour: 'from_colour = 1',
  transparent: 'matte IS NOT NULL',
};

export interface ImportChangeCounts {
  /** Items (status ok) whose transparent pixels were composited, by the matte colour used. */
  transparent: number;
  mattes: Record<string, number>;
  upscaled: number;
  cropped: number;
  fromColour: number;
  /** Items by their file's format. */
  formats: Record<string, number>;
}

export function importChangeCounts(db: Db, datasetId: number): ImportChangeCounts {
  const counts = db
    .prepare(
      `SELECT count(*) FILTER (WHERE ${itemChangeSql.transparent}) AS transparent, count(*) FILTER (WHERE ${itemChangeSql.upscaled}) AS upscaled,
              count(*) FILTER (WHERE ${itemChangeSql.cropped}) AS cropped, count(*) FILTER (WHERE ${itemChangeSql.fromColour}) AS fromColour
       FROM items WHERE dataset_id = ? AND status = 'ok'`,
    )
    .get(datasetId) as { transparent: number; upscaled: number; cropped: number; fromColour: number };
  const groups = (column: string) =>
    Object.fromEntries(
      (db.prepare(`SELECT ${column} AS key, count(*) AS n FROM items WHERE dataset_id = ? AND status = 'ok' AND ${column} IS NOT NULL GROUP BY ${column} ORDER BY n DESC`).all(datasetId) as {
        key: string;
        n: number;
      }[]).map((row) => [row.key, row.n]),
    );
  return { ...counts, mattes: groups('matte'), formats: groups('format') };
}
