import type { ItemSet } from '../contract/contract.ts';
import type { Db } from './open.ts';

interface SetRow {
  id: number;
  dataset_id: number;
  name: string;
  saved_at: string;
}

function membersOf(db: Db, setId: number): number[] {
  return db.prepare('SELECT item_id FROM item_set_members WHERE set_id = ? ORDER BY item_id').pluck().all(setId) as number[];
}

function toSet(db: Db, row: SetRow): ItemSet {
  return { id: row.id, datasetId: row.dataset_id, name: row.name, itemIds: membersOf(db, row.id), savedAt: row.saved_at };
}

/** Every set of a dataset, by name. */
export function listSets(db: Db, datasetId: number): ItemSet[] {
  const rows = db.prepare('SELECT id, dataset_id, name, saved_at FROM item_sets WHERE dataset_id = ? ORDER BY name').all(datasetId) as SetRow[];
  return rows.map((row) => toSet(db, row));
}

/** The set of that name in a dataset, or null. */
export function findSet(db: Db, datasetId: number, name: string): ItemSet | null {
  const row = db.prepare('SELECT id, dataset_id, name, saved_at FROM item_sets WHERE dataset_id = ? AND name = ?').get(datasetId, name) as SetRow | undefined;
  return row ? toSet(db, row) : null;
}

/** Of these item ids, those that are not items of the dataset. */
export function foreignItems(db: Db, datasetId: number, itemIds: readonly number[]): number[] {
  const known = new Set(
    db.prepare('SELECT id FROM items WHERE dataset_id = ? AND id IN (SELECT value FROM json_each(?))').pluck().all(datasetId, JSON.stringify(itemIds)) as number[],
  );
  return itemIds.filter((id) => !known.has(id));
}

/** Saves a set under a name, replacing the members of a set already called so. */
export function saveSet(db: Db, datasetId: number, name: string, itemIds: readonly number[]): ItemSet {
  return db.transaction(() => {
    db.prepare(
      "INSERT INTO item_sets (dataset_id, name) VALUES (?, ?) ON CONFLICT (dataset_id, name) DO UPDATE SET saved_at = strftime('%Y-%m-%dT%H:%M:%fZ')",
    ).run(datasetId, name);
    const id = db.prepare('SELECT id FROM item_sets WHERE dataset_id = ? AND name = ?').pluck().get(datasetId, name) as number;
    db.prepare('DELETE FROM item_set_members WHERE set_id = ?').run(id);
    db.prepare('INSERT OR IGNORE INTO item_set_members (set_id, item_id) SELECT ?, value FROM json_each(?)').run(id, JSON.stringify(itemIds));
    return findSet(db, datasetId, name)!;
  })();
}

/** Changes whenever a set of the run's dataset is saved or deleted (for caches of what is computed from sets). */
export function setsVersionOfRun(db: Db, runId: number): string {
  return db
    .prepare("SELECT coalesce(group_concat(s.id || '@' || s.saved_at), '') FROM runs r JOIN item_sets s ON s.dataset_id = r.dataset_id WHERE r.id = ?")
    .pluck()
    .get(runId) as string;
}

/** Deletes a set (its items stay); false when there was none. */
export function deleteSet(db: Db, setId: number): boolean {
  return db.prepare('DELETE FROM item_sets WHERE id = ?').run(setId).changes > 0;
}
