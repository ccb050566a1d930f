import * as THREE from 'three';
import { PointCloud } from '../explore/point-cloud.ts';
import { categoricalColor } from '../explore/colors.ts';
import type { BenchResult, PickTiming } from './results.ts';

/**
 * `?bench=N[&mode=plain|filtered]`: a page with only the point view and N generated points
 * (Gaussian clusters, coloured by cluster), used by bench/render.ts. `mode=plain`
 * draws the same points with a stock three.js Points + PointsMaterial every frame,
 * the reference the Explore view is compared to; `mode=filtered` hides half the
 * clusters, as a filter in the Explore view does.
 */
interface BenchApi {
  run(ms: number): Promise<BenchResult>;
  pick?(n: number): Promise<PickTiming>;
}

declare global {
  interface Window {
    __bench?: BenchApi;
  }
}

export function generateClusters(n: number, seed = 7): { xyz: Float32Array; rgb: Uint8Array } {
  let s = seed;
  const rand = (): number => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const gauss = (): number => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const clusters = 10;
  const centers = Array.from({ length: clusters }, () => [gauss() * 3, gauss() * 3, gauss() * 3]);
  const xyz = new Float32Array(3 * n);
  const rgb = new Uint8Array(3 * n);
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    for (let a = 0; a < 3; a++) xyz[3 * i + a] = centers[c][a] + gauss();
    const [r, g, b] = categoricalColor(c);
    rgb[3 * i] = r;
    rgb[3 * i + 1] = g;
    rgb[3 * i + 2] = b;
  }
  return { xyz, rgb };
}

export function startBench(root: HTMLElement, params: URLSearchParams): void {
  const n = Math.max(1, Number(params.get('bench')) || 10_000);
  const mode = params.get('mode') ?? 'latent-lab';
  root.style.cssText = 'position:fixed;inset:0;background:#111418';
  const { xyz, rgb } = generateClusters(n);
  window.__bench = mode === 'plain' ? plainBench(root, xyz, rgb, n) : cloudBench(root, xyz, rgb, n, mode === 'filtered');
}

function cloudBench(root: HTMLElement, xyz: Float32Array, rgb: Uint8Array, n: number, filtered: boolean): BenchApi {
  const cloud = new PointCloud(root);
  cloud.setPoints(xyz);
  cloud.setColors(rgb);
  if (filtered) {
    const hidden = Uint8Array.from({ length: n }, (_, i) => (i % 10) % 2); // the odd clusters
    cloud.setMarks({ selected: [], dimOthers: false, focused: -1, neighbours: [], filtered: hidden, filterMode: 'hide' });
  }
  return {
    async run(ms) {
      const start = cloud.stats.frames;
      const seconds = await orbit(ms, () => cloud.orbitBy(0.01));
      const frames = cloud.stats.frames - start;
      return { mode: filtered ? 'latent-lab, half hidden by a filter' : 'latent-lab', points: n, frames, seconds, fps: frames / seconds, drawnWhileMoving: cloud.stats.motionBudget };
    },
    async pick(count) {
      cloud.orbitBy(0.01);
      await new Promise((resolve) => setTimeout(resolve, 300)); // let the camera rest
      const rect = root.getBoundingClientRect();
      let t = performance.now();
      cloud.pick(rect.left + rect.width / 2, rect.top + rect.height / 2); // builds the index
      const indexMs = performance.now() - t;
      let hits = 0;
      t = performance.now();
      for (let k = 0; k < count; k++) {
        const x = rect.left + rect.width * (0.25 + 0.5 * ((k * 0.618) % 1));
        const y = rect.top + rect.height * (0.25 + 0.5 * ((k * 0.382) % 1));
        if (cloud.pick(x, y) >= 0) hits++;
      }
      return { indexMs, pickMs: (performance.now() - t) / count, hits };
    },
  };
}

function plainBench(root: HTMLElement, xyz: Float32Array, rgb: Uint8Array, n: number): BenchApi {
  const renderer = new THREE.WebGLRenderer({ antialias: false });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
  renderer.setSize(root.clientWidth, root.clientHeight);
  root.appendChild(renderer.domElement);
  const scene = new THREE.Scene();
  const camera = new THREE.PerspectiveCamera(50, root.clientWidth / root.clientHeight, 0.01, 1000);
  camera.position.set(0, 0, 14);
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.BufferAttribute(xyz, 3));
  geometry.setAttribute('color', new THREE.Uint8BufferAttribute(rgb, 3, true));
  scene.add(new THREE.Points(geometry, new THREE.PointsMaterial({ size: 3, sizeAttenuation: false, vertexColors: true })));
  return {
    async run(ms) {
      let frames = 0;
      const seconds = await orbit(ms, () => {
        camera.position.applyAxisAngle(camera.up, 0.01);
        camera.lookAt(0, 0, 0);
        renderer.render(scene, camera);
        frames++;
      });
      return { mode: 'plain three.js Points', points: n, frames, seconds, fps: frames / seconds, drawnWhileMoving: n };
    },
  };
}

/** Calls `step` on every animation frame for `ms`, and resolves with the seconds elapsed. */
function orbit(ms: number, step: () => void): Promise<number> {
  return new Promise((resolve) => {
    const start = performance.now();
    const tick = (): void => {
      const now = performance.now();
      if (now - start >= ms) {
        resolve((now - start) / 1000);
        return;
      }
      step();
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}
