import type { Db } from './open.ts';

/** Typed queries on the projections table: a run's 3-D layouts, keyed by method and canonical JSON parameters. */

/** A stored layout's parallel blobs: int32 item ids and float32 coordinates, 3 per item. */
export interface ProjectionBlobs {
  itemIds: Buffer;
  coords: Buffer;
}

export function readProjection(db: Db, runId: number, method: string, params: string): ProjectionBlobs | undefined {
  return db.prepare('SELECT item_ids AS itemIds, coords FROM projections WHERE run_id = ? AND method = ? AND params = ?').get(runId, method, params) as ProjectionBlobs | undefined;
}

/** Stores a layout, replacing one of the same method and parameters. */
export function writeProjection(db: Db, runId: number, method: string, params: string, blobs: ProjectionBlobs): void {
  db.prepare('INSERT OR REPLACE INTO projections (run_id, method, params, item_ids, coords) VALUES (?, ?, ?, ?, ?)').run(runId, method, params, blobs.itemIds, blobs.coords);
}

/** The parameters (JSON text) of every stored layout of one method. */
export function projectionParams(db: Db, runId: number, method: string): { id: number; params: string }[] {
  return db.prepare('SELECT id, params FROM projections WHERE run_id = ? AND method = ?').all(runId, method) as { id: number; params: string }[];
}

export function deleteProjection(db: Db, id: number): void {
  db.prepare('DELETE FROM projections WHERE id = ?').run(id);
}
