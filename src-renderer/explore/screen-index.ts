/**
 * Screen-space index of the points, rebuilt once each time the camera settles:
 * every point projected to CSS pixels and bucketed into a uniform grid, so hover,
 * click, box and lasso selection cost a few grid cells instead of a raycast over
 * every point. Arrays are reused between rebuilds: no allocation per camera move.
 */
const CELL = 16;

export interface ProjectionInput {
  positions: Float32Array; // xyz per buffer index
  count: number;
  viewProjection: ArrayLike<number>; // column-major 4x4
  flat: boolean;
  width: number;
  height: number;
  /** On-screen diameter in pixels of a point at clip-space w (perspective) or constant. */
  pixelSize: (w: number) => number;
  /** Per buffer index, 1 for a point not drawn (filtered out): it cannot be hovered or selected. */
  hidden?: Uint8Array | null;
}

export class ScreenIndex {
  x = new Float32Array(0);
  y = new Float32Array(0);
  depth = new Float32Array(0);
  size = new Float32Array(0);
  visible = new Uint8Array(0);
  private cellStart = new Int32Array(0);
  private cellItems = new Int32Array(0);
  private cellOf = new Int32Array(0);
  private cols = 0;
  private rows = 0;
  private width = 0;
  private height = 0;

  build(input: ProjectionInput): void {
    const { positions, count, flat, width, height } = input;
    const m = input.viewProjection;
    if (this.x.length < count) {
      this.x = new Float32Array(count);
      this.y = new Float32Array(count);
      this.depth = new Float32Array(count);
      this.size = new Float32Array(count);
      this.visible = new Uint8Array(count);
      this.cellItems = new Int32Array(count);
      this.cellOf = new Int32Array(count);
    }
    this.width = width;
    this.height = height;
    this.cols = Math.max(1, Math.ceil(width / CELL));
    this.rows = Math.max(1, Math.ceil(height / CELL));
    const cells = this.cols * this.rows;
    if (this.cellStart.length < cells + 1) this.cellStart = new Int32Array(cells + 1);
    const start = this.cellStart;
    start.fill(0, 0, cells + 1);
    const cellOf = this.cellOf;
    for (let i = 0; i < count; i++) {
      const px = positions[3 * i];
      const py = positions[3 * i + 1];
      const pz = flat ? 0 : positions[3 * i + 2];
      const w = m[3] * px + m[7] * py + m[11] * pz + m[15];
      const cx = m[0] * px + m[4] * py + m[8] * pz + m[12];
      const cy = m[1] * px + m[5] * py + m[9] * pz + m[13];
      const cz = m[2] * px + m[6] * py + m[10] * pz + m[14];
      cellOf[i] = -1;
      this.visible[i] = 0;
      if (w <= 1e-6 || input.hidden?.[i]) continue;
      const nx = cx / w;
      const ny = cy / w;
      const nz = cz / w;
      if (nz < -1 || nz > 1) continue;
      const sx = (nx * 0.5 + 0.5) * width;
      const sy = (0.5 - ny * 0.5) * height;
      this.x[i] = sx;
      this.y[i] = sy;
      this.depth[i] = w;
      this.size[i] = input.pixelSize(w);
      if (sx < 0 || sy < 0 || sx >= width || sy >= height) continue;
      this.visible[i] = 1;
      const cell = Math.floor(sy / CELL) * this.cols + Math.floor(sx / CELL);
      cellOf[i] = cell;
      start[cell + 1]++;
    }
    for (let c = 0; c < cells; c++) start[c + 1] += start[c];
    const fill = start.slice(0, cells);
    for (let i = 0; i < count; i++) {
      const cell = cellOf[i];
      if (cell >= 0) this.cellItems[fill[cell]++] = i;
    }
  }

  /** The point under (px, py): among those whose disc covers it, the nearest to the camera; else the closest within `slack` px. */
  pick(px: number, py: number, slack = 6): number {
    let best = -1;
    let bestDepth = Infinity;
    let near = -1;
    let nearDist = slack * slack;
    this.forCellsAround(px, py, slack + 64, (i) => {
      const dx = this.x[i] - px;
      const dy = this.y[i] - py;
      const d2 = dx * dx + dy * dy;
      const r = this.size[i] / 2;
      if (d2 <= r * r && this.depth[i] < bestDepth) {
        best = i;
        bestDepth = this.depth[i];
      } else if (d2 <= nearDist) {
        near = i;
        nearDist = d2;
      }
    });
    return best >= 0 ? best : near;
  }

  /** Buffer indices of visible points inside the polygon (screen pixels, x/y pairs). */
  inPolygon(polygon: number[]): number[] {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let k = 0; k < polygon.length; k += 2) {
      minX = Math.min(minX, polygon[k]);
      maxX = Math.max(maxX, polygon[k]);
      minY = Math.min(minY, polygon[k + 1]);
      maxY = Math.max(maxY, polygon[k + 1]);
    }
    const out: number[] = [];
    const c0 = Math.max(0, Math.floor(minX / CELL));
    const c1 = Math.min(this.cols - 1, Math.floor(maxX / CELL));
    const r0 = Math.max(0, Math.floor(minY / CELL));
    const r1 = Math.min(this.rows - 1, Math.floor(maxY / CELL));
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const cell = r * this.cols + c;
        for (let k = this.cellStart[cell]; k < this.cellStart[cell + 1]; k++) {
          const i = this.cellItems[k];
          if (pointInPolygon(this.x[i], this.y[i], polygon)) out.push(i);
        }
      }
    }
    return out;
  }

  /** Visible points drawn at least `minPx` wide, nearest to the camera first. */
  largeVisible(minPx: number, limit: number): number[] {
    const out: number[] = [];
    const cells = this.cols * this.rows;
    for (let k = 0; k < this.cellStart[cells]; k++) {
      const i = this.cellItems[k];
      if (this.size[i] >= minPx) out.push(i);
    }
    out.sort((a, b) => this.depth[a] - this.depth[b]);
    return out.length > limit ? out.slice(0, limit) : out;
  }

  private forCellsAround(px: number, py: number, radius: number, visit: (i: number) => void): void {
    if (px < 0 || py < 0 || px >= this.width || py >= this.height) return;
    const c0 = Math.max(0, Math.floor((px - radius) / CELL));
    const c1 = Math.min(this.cols - 1, Math.floor((px + radius) / CELL));
    const r0 = Math.max(0, Math.floor((py - radius) / CELL));
    const r1 = Math.min(this.rows - 1, Math.floor((py + radius) / CELL));
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const cell = r * this.cols + c;
        for (let k = this.cellStart[cell]; k < this.cellStart[cell + 1]; k++) visit(this.cellItems[k]);
      }
    }
  }
}

export function pointInPolygon(x: number, y: number, polygon: number[]): boolean {
  let inside = false;
  const n = polygon.length / 2;
  for (let a = 0, b = n - 1; a < n; b = a++) {
    const xa = polygon[2 * a], ya = polygon[2 * a + 1];
    const xb = polygon[2 * b], yb = polygon[2 * b + 1];
    if (ya > y !== yb > y && x < ((xb - xa) * (y - ya)) / (yb - ya) + xa) inside = !inside;
  }
  return inside;
}
