import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { pointFragmentShader, pointVertexShader } from './point-shader.ts';
import { ScreenIndex } from './screen-index.ts';
import { SLOTS_PER_ROW, ThumbnailSlots, type ThumbnailSource } from './thumbnail-slots.ts';
import type { CameraState } from './view-state.ts';

/** Points drawn while the camera moves start at this many and adapt to hold the frame rate. */
const INITIAL_MOTION_BUDGET = 60_000;
const MIN_MOTION_BUDGET = 5_000;
const TARGET_FRAME_MS = 1000 / 36;
const SETTLE_MS = 140;
const THUMB_MIN_PX = 16;
const MAX_POINT_PX = 96;
const FOV = 50;

/** Bits of a point's marks (the colour attribute's alpha byte, read by the shader). */
const MARK = { selected: 1, neighbour: 2, filtered: 4, focused: 8 } as const;

/** What is marked on the points, by item index. */
export interface PointMarks {
  selected: Iterable<number>;
  /** The selection is a subset worth isolating: the rest fade. */
  dimOthers: boolean;
  focused: number;
  neighbours: Iterable<number>;
  /** Per item, 1 when filtered out; null when no filter is active. */
  filtered: Uint8Array | null;
  /** Filtered-out points fade (dim) or are not drawn, hovered or selected (hide). */
  filterMode: 'dim' | 'hide';
}

export interface FrameStats {
  frames: number;
  lastDrawn: number;
  motionBudget: number;
}

/**
 * The Explore view's renderer: every item as a point, drawn on demand only.
 * While the camera moves it draws a random subset (the buffer is stored in a
 * shuffled order, so any prefix is a uniform sample) sized to hold the frame rate;
 * when the camera rests it draws everything once, rebuilds the screen-space index
 * used for picking, and fills thumbnails for the points large enough to show one.
 */
export class PointCloud {
  readonly stats: FrameStats = { frames: 0, lastDrawn: 0, motionBudget: INITIAL_MOTION_BUDGET };
  onSettled: (() => void) | null = null;

  private readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly perspective = new THREE.PerspectiveCamera(FOV, 1, 0.01, 100);
  private readonly ortho = new THREE.OrthographicCamera(-1, 1, 1, -1, -100, 100);
  private camera: THREE.Camera = this.perspective;
  private controls: OrbitControls;
  private readonly geometry = new THREE.BufferGeometry();
  private readonly material: THREE.ShaderMaterial;
  private readonly points: THREE.Points;
  private readonly index = new ScreenIndex();
  private readonly resizeObserver: ResizeObserver;
  private readonly viewProjection = new THREE.Matrix4();
  private thumbnails: ThumbnailSlots | null = null;
  private thumbnailSource: ThumbnailSource | null = null;
  private pointScale = 1;

  private count = 0;
  private positions: Float32Array = new Float32Array(0);
  private order: Int32Array = new Int32Array(0); // buffer index -> item index
  private bufferOf: Int32Array = new Int32Array(0); // item index -> buffer index
  private hidden: Uint8Array | null = null; // buffer index -> 1 when not drawn
  private flat = false;
  private width = 1;
  private height = 1;
  private raf = 0;
  private lastMotion = -Infinity;
  private lastFrameAt = 0;
  private frameMsAverage = 0;
  private indexStale = true;
  private disposed = false;

  constructor(private readonly container: HTMLElement) {
    this.renderer = new THREE.WebGLRenderer({ antialias: false, powerPreference: 'high-performance' });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
    this.renderer.domElement.style.display = 'block';
    container.appendChild(this.renderer.domElement);
    this.material = new THREE.ShaderMaterial({
      glslVersion: THREE.GLSL3,
      vertexShader: pointVertexShader,
      fragmentShader: pointFragmentShader,
      uniforms: {
        uSize: { value: 0.03 },
        uPixelScale: { value: 1 },
        uOrtho: { value: 0 },
        uFlat: { value: 0 },
        uMinPx: { value: 2 },
        uMaxPx: { value: MAX_POINT_PX },
        uThumbPx: { value: THUMB_MIN_PX },
        uHover: { value: -1 },
        uDimOthers: { value: 0 },
        uHideFiltered: { value: 0 },
        uSlots: { value: null },
        uSlotsPerRow: { value: SLOTS_PER_ROW },
      },
    });
    this.points = new THREE.Points(this.geometry, this.material);
    this.points.frustumCulled = false;
    this.scene.add(this.points);
    this.setBackground('#111418');
    this.perspective.position.set(0, 0, 3);
    this.controls = this.makeControls();
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(container);
    this.resize();
  }

  get pointCount(): number {
    return this.count;
  }

  get canvas(): HTMLCanvasElement {
    return this.renderer.domElement;
  }

  setBackground(color: string): void {
    this.renderer.setClearColor(new THREE.Color(color), 1);
    this.requestFull();
  }

  /** Replaces the points: `xyz` holds 3 floats per item, in item order. Fits them into the unit sphere. */
  setPoints(xyz: Float32Array, seed = 1): void {
    const n = Math.floor(xyz.length / 3);
    this.count = n;
    this.order = shuffledOrder(n, seed);
    this.bufferOf = new Int32Array(n);
    for (let b = 0; b < n; b++) this.bufferOf[this.order[b]] = b;
    const { center, scale } = fitUnitSphere(xyz, n);
    this.positions = new Float32Array(3 * n);
    for (let b = 0; b < n; b++) {
      const i = this.order[b];
      this.positions[3 * b] = (xyz[3 * i] - center[0]) * scale;
      this.positions[3 * b + 1] = (xyz[3 * i + 1] - center[1]) * scale;
      this.positions[3 * b + 2] = (xyz[3 * i + 2] - center[2]) * scale;
    }
    this.geometry.dispose();
    this.geometry.setAttribute('position', new THREE.BufferAttribute(this.positions, 3));
    const rgba = new Uint8Array(4 * n).fill(200);
    for (let b = 0; b < n; b++) rgba[4 * b + 3] = 0;
    this.geometry.setAttribute('aColor', new THREE.Uint8BufferAttribute(rgba, 4, true));
    this.geometry.setAttribute('aSlot', new THREE.Float32BufferAttribute(new Float32Array(n).fill(-1), 1));
    // A point's world size shrinks as the cloud gets denser, so 1k and 1M points both read well.
    this.material.uniforms.uSize.value = Math.min(0.045, Math.max(0.004, 0.045 / Math.cbrt(Math.max(1, n) / 1000)));
    this.material.uniforms.uHover.value = -1;
    this.stats.motionBudget = Math.min(n, INITIAL_MOTION_BUDGET);
    this.attachThumbnails(this.thumbnailSource);
    this.requestFull();
  }

  /** Colours as RGB bytes in item order. */
  setColors(rgb: Uint8Array): void {
    const attr = this.geometry.getAttribute('aColor') as THREE.BufferAttribute | undefined;
    if (!attr) return;
    const out = attr.array as Uint8Array;
    for (let b = 0; b < this.count; b++) {
      const i = this.order[b];
      out[4 * b] = rgb[3 * i];
      out[4 * b + 1] = rgb[3 * i + 1];
      out[4 * b + 2] = rgb[3 * i + 2];
    }
    attr.needsUpdate = true;
    this.requestFull();
  }

  /** Marks the selected, focused and neighbouring items and the filtered-out ones. */
  setMarks(marks: PointMarks): void {
    const attr = this.geometry.getAttribute('aColor') as THREE.BufferAttribute | undefined;
    if (!attr) return;
    const rgba = attr.array as Uint8Array;
    const hide = marks.filtered !== null && marks.filterMode === 'hide';
    this.hidden = hide ? new Uint8Array(this.count) : null;
    for (let b = 0; b < this.count; b++) {
      const out = marks.filtered?.[this.order[b]] ? MARK.filtered : 0;
      rgba[4 * b + 3] = out;
      if (out && this.hidden) this.hidden[b] = 1;
    }
    const mark = (i: number, bit: number) => {
      if (i >= 0 && i < this.count) rgba[4 * this.bufferOf[i] + 3] |= bit;
    };
    let any = false;
    for (const i of marks.selected) {
      mark(i, MARK.selected);
      any = true;
    }
    for (const i of marks.neighbours) mark(i, MARK.neighbour);
    mark(marks.focused, MARK.focused);
    attr.needsUpdate = true;
    this.material.uniforms.uDimOthers.value = any && marks.dimOthers ? 1 : 0;
    this.material.uniforms.uHideFiltered.value = hide ? 1 : 0;
    this.indexStale = true;
    this.requestFull();
  }

  /** Where the camera is, to restore a view later (bookmarks). */
  getCamera(): CameraState {
    const round = (v: number) => Number(v.toFixed(4));
    return {
      flat: this.flat,
      position: this.camera.position.toArray().map(round) as [number, number, number],
      target: this.controls.target.toArray().map(round) as [number, number, number],
      zoom: round(this.ortho.zoom),
    };
  }

  setCamera(state: CameraState): void {
    this.set2D(state.flat);
    this.camera.position.set(...state.position);
    this.controls.target.set(...state.target);
    this.ortho.zoom = state.zoom;
    this.ortho.updateProjectionMatrix();
    this.controls.update();
    this.updatePixelScale();
    this.markMotion();
  }

  setHover(item: number): void {
    const b = item >= 0 && item < this.count ? this.bufferOf[item] : -1;
    if (this.material.uniforms.uHover.value === b) return;
    this.material.uniforms.uHover.value = b;
    this.requestFull();
  }

  setPointScale(scale: number): void {
    this.material.uniforms.uMaxPx.value = MAX_POINT_PX * Math.max(1, scale);
    this.material.uniforms.uMinPx.value = 2 * Math.max(0.5, scale);
    this.pointScale = scale;
    this.updatePixelScale();
    this.indexStale = true;
    this.requestFull();
  }

  setThumbnails(source: ThumbnailSource | null): void {
    this.thumbnailSource = source;
    this.attachThumbnails(source);
    this.requestFull();
  }

  /** Switches between the orbiting 3-D camera and a flat top-down 2-D map. */
  set2D(flat: boolean): void {
    if (this.flat === flat) return;
    this.flat = flat;
    this.material.uniforms.uFlat.value = flat ? 1 : 0;
    this.material.uniforms.uOrtho.value = flat ? 1 : 0;
    this.camera = flat ? this.ortho : this.perspective;
    this.controls.dispose();
    this.controls = this.makeControls();
    this.resetCamera();
  }

  resetCamera(): void {
    this.perspective.position.set(0, 0, 3);
    this.perspective.up.set(0, 1, 0);
    this.ortho.position.set(0, 0, 10);
    this.ortho.zoom = 1;
    this.ortho.updateProjectionMatrix();
    this.controls.target.set(0, 0, 0);
    this.controls.update();
    this.resize();
  }

  /** Rotates the camera about the target (keyboard and benchmark). */
  orbitBy(radians: number): void {
    const offset = this.camera.position.clone().sub(this.controls.target);
    offset.applyAxisAngle(this.camera.up, radians);
    this.camera.position.copy(this.controls.target).add(offset);
    this.camera.lookAt(this.controls.target);
    this.markMotion();
  }

  zoomBy(factor: number): void {
    if (this.flat) {
      this.ortho.zoom = Math.min(200, Math.max(0.2, this.ortho.zoom * factor));
      this.ortho.updateProjectionMatrix();
      this.updatePixelScale();
    } else {
      const offset = this.camera.position.clone().sub(this.controls.target).multiplyScalar(1 / factor);
      this.camera.position.copy(this.controls.target).add(offset);
    }
    this.markMotion();
  }

  /** Turns mouse navigation off while another tool (the lasso) owns the pointer. */
  setNavigation(enabled: boolean): void {
    this.controls.enabled = enabled;
  }

  /** Item under a point in client coordinates, or -1. */
  pick(clientX: number, clientY: number): number {
    if (!this.count || this.isMoving()) return -1;
    this.ensureIndex();
    const rect = this.renderer.domElement.getBoundingClientRect();
    const b = this.index.pick(clientX - rect.left, clientY - rect.top);
    return b >= 0 ? this.order[b] : -1;
  }

  /** Items inside a polygon given as client-coordinate x/y pairs. */
  selectPolygon(clientXY: number[]): number[] {
    if (!this.count) return [];
    this.ensureIndex();
    const rect = this.renderer.domElement.getBoundingClientRect();
    const local = clientXY.map((v, k) => (k % 2 === 0 ? v - rect.left : v - rect.top));
    return this.index.inPolygon(local).map((b) => this.order[b]);
  }

  /** Screen position (client coordinates) of an item, or null when off screen. */
  screenPosition(item: number): { x: number; y: number } | null {
    if (item < 0 || item >= this.count) return null;
    this.ensureIndex();
    const b = this.bufferOf[item];
    if (!this.index.visible[b]) return null;
    const rect = this.renderer.domElement.getBoundingClientRect();
    return { x: rect.left + this.index.x[b], y: rect.top + this.index.y[b] };
  }

  isMoving(): boolean {
    return performance.now() - this.lastMotion < SETTLE_MS;
  }

  dispose(): void {
    this.disposed = true;
    cancelAnimationFrame(this.raf);
    this.resizeObserver.disconnect();
    this.controls.dispose();
    this.thumbnails?.dispose();
    this.geometry.dispose();
    this.material.dispose();
    this.renderer.dispose();
    this.renderer.domElement.remove();
  }

  private makeControls(): OrbitControls {
    const controls = new OrbitControls(this.camera, this.renderer.domElement);
    controls.enableDamping = false;
    controls.enableRotate = !this.flat;
    controls.screenSpacePanning = true;
    controls.zoomSpeed = 1.2;
    controls.minDistance = 0.02;
    controls.maxDistance = 20;
    if (this.flat) controls.mouseButtons = { LEFT: THREE.MOUSE.PAN, MIDDLE: THREE.MOUSE.DOLLY, RIGHT: THREE.MOUSE.PAN };
    controls.addEventListener('change', () => {
      if (this.flat) this.updatePixelScale();
      this.markMotion();
    });
    return controls;
  }

  private attachThumbnails(source: ThumbnailSource | null): void {
    this.thumbnails?.dispose();
    this.thumbnails = null;
    const slotAttr = this.geometry.getAttribute('aSlot') as THREE.BufferAttribute | undefined;
    if (slotAttr) (slotAttr.array as Float32Array).fill(-1);
    if (!source || !slotAttr) {
      this.material.uniforms.uSlots.value = null;
      this.material.uniforms.uThumbPx.value = 1e9;
      return;
    }
    this.thumbnails = new ThumbnailSlots(source, slotAttr, (b) => this.order[b], () => this.requestFull());
    this.material.uniforms.uSlots.value = this.thumbnails.texture;
    this.material.uniforms.uThumbPx.value = THUMB_MIN_PX;
  }

  private markMotion(): void {
    this.lastMotion = performance.now();
    this.indexStale = true;
    this.schedule();
  }

  private requestFull(): void {
    this.schedule();
  }

  private schedule(): void {
    if (!this.raf && !this.disposed) this.raf = requestAnimationFrame(this.frame);
  }

  private readonly frame = (): void => {
    this.raf = 0;
    const now = performance.now();
    const moving = this.isMoving();
    if (moving && this.lastFrameAt > 0) this.adaptBudget(now - this.lastFrameAt);
    const drawn = moving ? Math.min(this.count, this.stats.motionBudget) : this.count;
    this.geometry.setDrawRange(0, drawn);
    this.renderer.render(this.scene, this.camera);
    this.stats.frames++;
    this.stats.lastDrawn = drawn;
    if (moving) {
      this.lastFrameAt = now;
      this.schedule(); // keep going until the camera rests, then one full frame
    } else {
      this.lastFrameAt = 0;
      this.frameMsAverage = 0;
      this.settle();
    }
  };

  private adaptBudget(frameMs: number): void {
    if (frameMs > 250) return; // a full frame or a stalled tab says nothing about the moving cost
    this.frameMsAverage = this.frameMsAverage ? 0.7 * this.frameMsAverage + 0.3 * frameMs : frameMs;
    const budget = this.stats.motionBudget;
    if (this.frameMsAverage > TARGET_FRAME_MS * 1.1) {
      this.stats.motionBudget = Math.max(MIN_MOTION_BUDGET, Math.floor(budget * Math.max(0.7, Math.min(0.95, TARGET_FRAME_MS / this.frameMsAverage))));
    } else if (this.frameMsAverage < TARGET_FRAME_MS * 0.9) {
      this.stats.motionBudget = Math.min(this.count, Math.ceil(budget * 1.05));
    }
  }

  private settle(): void {
    if (this.thumbnails) {
      this.ensureIndex();
      void this.thumbnails.assign(this.index.largeVisible(THUMB_MIN_PX, Number.POSITIVE_INFINITY));
    }
    this.onSettled?.();
  }

  private ensureIndex(): void {
    if (!this.indexStale) return;
    this.camera.updateMatrixWorld();
    this.viewProjection.multiplyMatrices(this.camera.projectionMatrix, this.camera.matrixWorldInverse);
    const u = this.material.uniforms;
    const dpr = this.renderer.getPixelRatio();
    const size = u.uSize.value as number;
    const scale = (u.uPixelScale.value as number) / dpr;
    const minPx = (u.uMinPx.value as number) / dpr;
    const maxPx = (u.uMaxPx.value as number) / dpr;
    const flat = this.flat;
    this.index.build({
      positions: this.positions,
      count: this.count,
      viewProjection: this.viewProjection.elements,
      flat,
      width: this.width,
      height: this.height,
      pixelSize: (w) => Math.min(maxPx, Math.max(minPx, flat ? size * scale : (size * scale) / w)),
      hidden: this.hidden,
    });
    this.indexStale = false;
  }

  private resize(): void {
    const w = Math.max(1, this.container.clientWidth);
    const h = Math.max(1, this.container.clientHeight);
    this.width = w;
    this.height = h;
    this.renderer.setSize(w, h, false);
    this.renderer.domElement.style.width = `${w}px`;
    this.renderer.domElement.style.height = `${h}px`;
    const aspect = w / h;
    this.perspective.aspect = aspect;
    this.perspective.updateProjectionMatrix();
    const half = 1.15;
    this.ortho.left = -half * aspect;
    this.ortho.right = half * aspect;
    this.ortho.top = half;
    this.ortho.bottom = -half;
    this.ortho.updateProjectionMatrix();
    this.updatePixelScale();
    this.indexStale = true;
    this.requestFull();
  }

  private updatePixelScale(): void {
    const dpr = this.renderer.getPixelRatio();
    const cssPerUnit = this.flat
      ? (this.ortho.zoom * this.height) / (this.ortho.top - this.ortho.bottom)
      : this.height / (2 * Math.tan(THREE.MathUtils.degToRad(FOV / 2)));
    this.material.uniforms.uPixelScale.value = cssPerUnit * dpr * this.pointScale;
  }
}

/** A seeded random permutation, so the same data always draws the same subset while moving. */
export function shuffledOrder(n: number, seed: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let s = seed >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const j = (s >>> 0) % (i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** Centre and scale that fit the points' widest axis (robustly: 1st-99th percentile) into [-1, 1]. */
export function fitUnitSphere(xyz: Float32Array, n: number): { center: [number, number, number]; scale: number } {
  if (n === 0) return { center: [0, 0, 0], scale: 1 };
  const step = Math.max(1, Math.floor(n / 5000));
  const center: [number, number, number] = [0, 0, 0];
  let half = 0;
  for (let axis = 0; axis < 3; axis++) {
    const sample: number[] = [];
    for (let i = 0; i < n; i += step) sample.push(xyz[3 * i + axis]);
    sample.sort((a, b) => a - b);
    const lo = sample[Math.floor(sample.length * 0.01)];
    const hi = sample[Math.min(sample.length - 1, Math.floor(sample.length * 0.99))];
    center[axis] = (lo + hi) / 2;
    half = Math.max(half, (hi - lo) / 2);
  }
  return { center, scale: half > 0 ? 1 / half : 1 };
}
