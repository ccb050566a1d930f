import * as THREE from 'three';

/** Where a thumbnail lives: an atlas page image and the tile's top-left pixel in it. */
export interface TileLocation {
  url: string;
  x: number;
  y: number;
}

export interface ThumbnailSource {
  tileSize: number;
  tileOf(itemIndex: number): TileLocation | null;
}

const TEXTURE_PX = 2048;
const SLOT_PX = 32;
export const SLOTS_PER_ROW = TEXTURE_PX / SLOT_PX;
export const SLOT_COUNT = SLOTS_PER_ROW * SLOTS_PER_ROW;
const MAX_PAGES = 12;

/**
 * A fixed 2048x2048 texture of 32 px slots holding the thumbnails of the points
 * nearest the camera. Memory stays bounded however large the dataset: only the
 * points big enough on screen to show a picture get a slot, and a slot is filled
 * from the import's atlas pages, fetched on demand.
 */
export class ThumbnailSlots {
  readonly texture: THREE.CanvasTexture;
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly owner = new Int32Array(SLOT_COUNT).fill(-1);
  private readonly slotOfPoint = new Map<number, number>();
  private readonly pages = new Map<string, Promise<ImageBitmap | null>>();
  private generation = 0;

  constructor(
    private readonly source: ThumbnailSource,
    /** Per-buffer-index slot attribute (-1 = none) owned by the point cloud. */
    private readonly slotAttribute: THREE.BufferAttribute,
    private readonly itemOf: (bufferIndex: number) => number,
    private readonly onUpdate: () => void,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.width = TEXTURE_PX;
    this.canvas.height = TEXTURE_PX;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) throw new Error('2-D canvas unavailable for thumbnails');
    this.ctx = ctx;
    this.texture = new THREE.CanvasTexture(this.canvas);
    this.texture.flipY = false;
    this.texture.colorSpace = THREE.NoColorSpace;
    this.texture.generateMipmaps = false;
    this.texture.minFilter = THREE.LinearFilter;
  }

  /** Gives slots to `wanted` (buffer indices, most important first); the others lose theirs. */
  async assign(wanted: number[]): Promise<void> {
    const generation = ++this.generation;
    const keep = new Set(wanted.slice(0, SLOT_COUNT));
    const slots = this.slotAttribute.array as Float32Array;
    let changed = false;
    for (const [point, slot] of this.slotOfPoint) {
      if (keep.has(point)) continue;
      this.slotOfPoint.delete(point);
      this.owner[slot] = -1;
      slots[point] = -1;
      changed = true;
    }
    const fresh: Array<{ point: number; slot: number; tile: TileLocation }> = [];
    let free = 0;
    for (const point of keep) {
      const held = this.slotOfPoint.get(point);
      if (held !== undefined && slots[point] >= 0) continue; // drawn already
      const tile = this.source.tileOf(this.itemOf(point));
      if (!tile) continue;
      if (held !== undefined) {
        // Reserved by an assign that a newer camera position cut short: draw it now.
        fresh.push({ point, slot: held, tile });
        continue;
      }
      while (free < SLOT_COUNT && this.owner[free] >= 0) free++;
      if (free === SLOT_COUNT) break;
      this.owner[free] = point;
      this.slotOfPoint.set(point, free);
      fresh.push({ point, slot: free, tile });
    }
    if (changed) this.publish();
    const byPage = new Map<string, typeof fresh>();
    for (const f of fresh) {
      const list = byPage.get(f.tile.url) ?? [];
      list.push(f);
      byPage.set(f.tile.url, list);
    }
    for (const [url, list] of byPage) {
      const page = await this.page(url);
      if (generation !== this.generation) return;
      for (const { point, slot, tile } of list) {
        if (this.owner[slot] !== point) continue;
        const sx = (slot % SLOTS_PER_ROW) * SLOT_PX;
        const sy = Math.floor(slot / SLOTS_PER_ROW) * SLOT_PX;
        if (page) {
          this.ctx.drawImage(page, tile.x, tile.y, this.source.tileSize, this.source.tileSize, sx, sy, SLOT_PX, SLOT_PX);
          slots[point] = slot;
        }
      }
      this.texture.needsUpdate = true;
      this.publish();
    }
  }

  dispose(): void {
    this.generation++;
    this.texture.dispose();
    this.pages.clear();
  }

  private publish(): void {
    this.slotAttribute.needsUpdate = true;
    this.onUpdate();
  }

  private page(url: string): Promise<ImageBitmap | null> {
    let page = this.pages.get(url);
    if (!page) {
      page = fetch(url)
        .then((r) => (r.ok ? r.blob() : Promise.reject(new Error(`${r.status}`))))
        .then((blob) => createImageBitmap(blob))
        .catch(() => null);
      this.pages.set(url, page);
      if (this.pages.size > MAX_PAGES) {
        // Evicted bitmaps are left to the garbage collector: a pending assign may still draw from one.
        this.pages.delete(this.pages.keys().next().value as string);
      }
    } else {
      // Refresh its place in the eviction order.
      this.pages.delete(url);
      this.pages.set(url, page);
    }
    return page;
  }
}
