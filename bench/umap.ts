/**
 * UMAP to 3-D on Fashion-MNIST stand-in codes: our path (own kNN graph fed to
 * umap-js) next to plain umap-js (its own NN-descent), at 10k and 70k points.
 * Codes: 28x28 images averaged to 14x14, then PCA to 32-D (like a latent).
 *   node --import tsx bench/umap.ts [--sizes 10000,70000] [--plain-max 10000]
 * Plain umap-js runs only up to --plain-max points (it takes minutes beyond).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import { UMAP } from 'umap-js';
import { knnGraph } from '../src-main/latent/knn-graph.ts';
import { exactNeighbours } from '../src-main/latent/knn.ts';
import { columnMeans, covariance, symmetricEigen } from '../src-main/linalg.ts';
import { seededRandom } from '../src-main/random.ts';
import { defaultUmapParams, umap3d, type UmapPhase } from '../src-main/latent/umap.ts';

const folder = '/usr/share/datasets/fashion-mnist';
const { values } = parseArgs({ options: { sizes: { type: 'string', default: '10000,70000' }, 'plain-max': { type: 'string', default: '10000' } } });
const sizes = values.sizes.split(',').map(Number);
const plainMax = Number(values['plain-max']);

function readImages(file: string): Uint8Array {
  const raw = zlib.gunzipSync(fs.readFileSync(file));
  if (raw.readUInt32BE(0) !== 2051) throw new Error(`${file} is not an IDX image file`);
  return new Uint8Array(raw.buffer, raw.byteOffset + 16, raw.readUInt32BE(4) * 784);
}

function standInCodes(): { codes: Float32Array; n: number; d: number } {
  const images = [readImages(`${folder}/train-images-idx3-ubyte.gz`), readImages(`${folder}/t10k-images-idx3-ubyte.gz`)];
  const n = images.reduce((s, a) => s + a.length / 784, 0);
  const small = new Float32Array(n * 196);
  let row = 0;
  for (const block of images) {
    for (let i = 0; i < block.length / 784; i++, row++) {
      for (let y = 0; y < 14; y++)
        for (let x = 0; x < 14; x++) {
          const p = i * 784 + 2 * y * 28 + 2 * x;
          small[row * 196 + y * 14 + x] = (block[p] + block[p + 1] + block[p + 28] + block[p + 29]) / 1020;
        }
    }
  }
  const mean = columnMeans(small, n, 196);
  const { vectors } = symmetricEigen(covariance(small, n, 196, mean), 196);
  const d = 32;
  const codes = new Float32Array(n * d);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < d; c++) {
      let s = 0;
      for (let k = 0; k < 196; k++) s += (small[i * 196 + k] - mean[k]) * vectors[c * 196 + k];
      codes[i * d + c] = s;
    }
  return { codes, n, d };
}

function recall(codes: Float32Array, n: number, d: number, indices: Int32Array, k: number): number {
  const random = seededRandom(7);
  let hits = 0;
  const probes = 300;
  for (let p = 0; p < probes; p++) {
    const i = Math.floor(random() * n);
    const exact = exactNeighbours(codes, n, d, codes.subarray(i * d, (i + 1) * d), k, 'euclidean');
    const found = new Set(indices.subarray(i * k, (i + 1) * k));
    for (const j of exact.indices) if (found.has(j)) hits++;
  }
  return hits / (probes * k);
}

/** Of each probed point's 15 nearest neighbours in the codes, the share that are among its 15 nearest in the 3-D layout. */
function preservation(codes: Float32Array, n: number, d: number, layout: Float32Array): number {
  const random = seededRandom(8);
  let hits = 0;
  const probes = 300;
  for (let p = 0; p < probes; p++) {
    const i = Math.floor(random() * n);
    const high = exactNeighbours(codes, n, d, codes.subarray(i * d, (i + 1) * d), 15, 'euclidean', new Set([i])).indices;
    const low = new Set(exactNeighbours(layout, n, 3, layout.subarray(i * 3, i * 3 + 3), 15, 'euclidean', new Set([i])).indices);
    for (const j of high) if (low.has(j)) hits++;
  }
  return hits / (probes * 15);
}

const seconds = (start: number) => ((performance.now() - start) / 1000).toFixed(1);
/** CPU seconds of this process since `start` (the machine is shared, so wall time alone misleads). */
const cpuSeconds = (start: NodeJS.CpuUsage) => (process.cpuUsage(start).user / 1e6).toFixed(1);

let t = performance.now();
const all = standInCodes();
console.log(`stand-in codes: ${all.n} x ${all.d} in ${seconds(t)} s (14x14 means, PCA to 32-D)`);

for (const n of sizes) {
  const codes = all.codes.subarray(0, n * all.d);
  t = performance.now();
  const graph = knnGraph(codes, n, all.d, 15, { random: seededRandom(1) });
  console.log(`n=${n}: our kNN graph (k=15) ${seconds(t)} s, recall@15 vs exact ${recall(codes, n, all.d, graph.indices, 15).toFixed(3)}`);

  t = performance.now();
  let cpu = process.cpuUsage();
  const phases = new Map<UmapPhase, number>();
  let phaseStart = performance.now();
  let current: UmapPhase = 'neighbours';
  const layout = await umap3d(codes, n, all.d, defaultUmapParams, (phase) => {
    if (phase !== current) {
      phases.set(current, (performance.now() - phaseStart) / 1000);
      current = phase;
      phaseStart = performance.now();
    }
  });
  phases.set(current, (performance.now() - phaseStart) / 1000);
  const split = [...phases].map(([p, s]) => `${p} ${s.toFixed(1)} s`).join(', ');
  console.log(`n=${n}: ours ${seconds(t)} s wall, ${cpuSeconds(cpu)} s cpu  [${split}]  15-NN preserved ${preservation(codes, n, all.d, layout).toFixed(3)}`);

  if (n <= plainMax) {
    t = performance.now();
    cpu = process.cpuUsage();
    const rows: number[][] = [];
    for (let i = 0; i < n; i++) rows.push(Array.from(codes.subarray(i * all.d, (i + 1) * all.d)));
    const plain = new UMAP({ nComponents: 3, random: seededRandom(defaultUmapParams.seed) }).fit(rows);
    const wall = seconds(t);
    const cpuTime = cpuSeconds(cpu);
    const plainLayout = Float32Array.from(plain.flat());
    console.log(`n=${n}: plain umap-js ${wall} s wall, ${cpuTime} s cpu  (reference)  15-NN preserved ${preservation(codes, n, all.d, plainLayout).toFixed(3)}`);
  } else {
    console.log(`n=${n}: plain umap-js skipped (over --plain-max ${plainMax})`);
  }
}
