import fs from 'node:fs';
import { setDatasetAttributeNames, touchDataset } from '../store/datasets.ts';
import { cacheRecordCount, itemWriters, knownItems, type KnownItem } from '../store/items.ts';
import { inTransaction, type Db } from '../store/open.ts';
import { ATLAS_TILES, atlasLayout, atlasPagePath } from './atlas.ts';
import type { AttributeValues } from './attributes.ts';
import type { DatasetRow } from './dataset-row.ts';
import type { FileOutcome } from './jobs.ts';
import type { PixelCache } from './pixel-cache.ts';
import { pixelFeatures } from './pixel-features.ts';
import type { ScannedFile, Skipped } from './scan.ts';
import { splitOf } from './split.ts';

const FLUSH_ROWS = 1024;
const FLUSH_MS = 1000;

/** Writes decoded pixels to the cache and their rows to the database, pixels first. */
export class ItemWriter {
  added = 0;
  updated = 0;
  unchanged = 0;
  readonly duplicates: { path: string; sameAs: string }[] = [];
  private nextIndex: number;
  private readonly seen = new Set<string>();
  private readonly byHash = new Map<string, string>();
  private readonly pending: (() => void)[] = [];
  private lastFlush = performance.now();
  private readonly write;

  constructor(
    private readonly db: Db,
    private readonly dataset: DatasetRow,
    private readonly cache: PixelCache,
    private readonly cacheDir: string,
    private readonly attributes: Map<string, AttributeValues> | null,
  ) {
    this.nextIndex = cacheRecordCount(db, dataset.id);
    this.write = itemWriters(db);
  }

  recordCount(): number {
    return this.nextIndex;
  }

  add(file: ScannedFile, outcome: FileOutcome, known: KnownItem | undefined, skipped: Skipped[]): void {
    if (this.seen.has(file.relPath)) {
      skipped.push({ path: file.relPath, reason: 'its name, once undecodable bytes are escaped, equals another file name; rename it' });
      return;
    }
    this.seen.add(file.relPath);
    if (outcome.kind === 'skipped') {
      skipped.push({ path: file.relPath, reason: known ? `${outcome.reason}; the copy imported before is kept` : outcome.reason });
      return;
    }
    const sameAs = this.byHash.get(outcome.hash);
    if (sameAs) this.duplicates.push({ path: file.relPath, sameAs });
    else this.byHash.set(outcome.hash, file.relPath);
    if (outcome.kind === 'unchanged') {
      this.unchanged++;
      if (known!.status === 'missing') this.pending.push(() => this.write.setStatus(known!.id, 'ok'));
      return;
    }
    const index = this.nextIndex++;
    this.invalidateAtlas(index);
    this.cache.write(index, outcome.pixels);
    const record = {
      hash: outcome.hash,
      width: outcome.width,
      height: outcome.height,
      index,
      format: outcome.format,
      upscaled: Number(outcome.upscaled),
      cropped: outcome.cropped,
      fromColour: Number(outcome.fromColour),
      matte: outcome.matte,
      // the degenerate-image checks read these instead of rereading every image on request
      ...pixelFeatures(outcome.pixels, this.cache.shape),
    };
    if (known) {
      this.updated++;
      this.pending.push(() => this.write.update(known.id, record));
    } else {
      this.added++;
      const attrs = this.attributes?.get(file.relPath);
      const split = splitOf(file.relPath, this.dataset.seed, this.dataset.val_fraction);
      const row = { ...record, datasetId: this.dataset.id, path: file.relPath, label: file.label, attributes: attrs ? JSON.stringify(attrs) : null, split };
      this.pending.push(() => this.write.insert(row));
    }
  }

  flushIfDue(): void {
    if (this.pending.length >= FLUSH_ROWS || performance.now() - this.lastFlush >= FLUSH_MS) this.flush();
  }

  /** Syncs the pixel cache, then commits the rows that point into it. */
  flush(): void {
    this.lastFlush = performance.now();
    if (this.pending.length === 0) return;
    this.cache.sync();
    const rows = this.pending.splice(0);
    inTransaction(this.db, () => rows.forEach((write) => write()));
  }

  /** After a complete scan: marks vanished files missing and applies the attributes file to every item. */
  finish(attributeNames: string[] | null): void {
    // a page drawn on request while this import ran may lack tiles committed later; from now on every row is committed
    for (const page of this.invalidated) fs.rmSync(page, { force: true });
    const rows = knownItems(this.db, this.dataset.id);
    inTransaction(this.db, () => {
      for (const row of rows) {
        if (!this.seen.has(row.path) && row.status === 'ok') this.write.setStatus(row.id, 'missing');
        if (this.attributes) {
          const values = this.attributes.get(row.path);
          this.write.setAttributes(row.id, values ? JSON.stringify(values) : null);
        }
      }
      if (attributeNames) setDatasetAttributeNames(this.db, this.dataset.id, attributeNames);
      touchDataset(this.db, this.dataset.id);
    });
  }

  private readonly invalidated = new Set<string>();

  private invalidateAtlas(index: number): void {
    for (const tile of ATLAS_TILES) {
      const page = atlasPagePath(this.cacheDir, this.dataset.id, tile, Math.floor(index / atlasLayout(tile).perPage));
      if (this.invalidated.has(page)) continue;
      this.invalidated.add(page);
      fs.rmSync(page, { force: true });
    }
  }
}
