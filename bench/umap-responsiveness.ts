/**
 * How responsive the event loop stays while UMAP lays out 70,000 points:
 * a 10 ms setInterval counts its ticks and the longest gap between two,
 * first with umap3d on the main thread (the reference: the event loop does
 * the work), then with umap3dInWorker (what getProjection runs now), and
 * checks the two give identical coordinates for the same seed.
 * Codes: seeded Gaussian clusters, n x 32.
 *   node --import tsx bench/umap-responsiveness.ts [--n 70000]
 */
import { parseArgs } from 'node:util';
import { defaultUmapParams, umap3d } from '../src-main/latent/umap.ts';
import { umap3dInWorker } from '../src-main/latent/umap-thread.ts';
import { gaussian, seededRandom } from '../src-main/random.ts';

const { values } = parseArgs({ options: { n: { type: 'string', default: '70000' } } });
const n = Number(values.n);
const d = 32;
const normal = gaussian(seededRandom(1));
const codes = new Float32Array(n * d);
for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) codes[i * d + c] = normal() + (c === i % 10 ? 5 : 0);

const interval = 10;
async function measured(name: string, layout: () => Promise<Float32Array>): Promise<Float32Array> {
  let ticks = 0;
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    ticks++;
  }, interval);
  const start = performance.now();
  const coords = await layout();
  const elapsed = performance.now() - start;
  clearInterval(timer);
  longest = Math.max(longest, performance.now() - last);
  const possible = Math.floor(elapsed / interval);
  console.log(
    `n=${n} ${name}: ${(elapsed / 1000).toFixed(1)} s, ${ticks} of ${possible} possible ${interval} ms ticks (${((100 * ticks) / possible).toFixed(0)}%), longest stall ${longest.toFixed(0)} ms`,
  );
  return coords;
}

const reference = await measured('main thread (reference)', () => umap3d(codes, n, d, defaultUmapParams));
const threaded = await measured('worker thread         ', () => umap3dInWorker(codes, n, d, defaultUmapParams));
const same = reference.length === threaded.length && reference.every((v, i) => Object.is(v, threaded[i]));
console.log(`coordinates identical for seed ${defaultUmapParams.seed}: ${same}`);
