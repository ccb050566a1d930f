import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultUmapParams, umap3d, type UmapParams } from '../../src-main/latent/umap.ts';
import { umap3dInWorker } from '../../src-main/latent/umap-thread.ts';
import { gaussian, seededRandom } from '../../src-main/random.ts';

/** n points in d dimensions around four cluster centres. */
function clusters(n: number, d: number, seed: number): Float32Array {
  const normal = gaussian(seededRandom(seed));
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) data[i * d + c] = normal() + (c === i % 4 ? 6 : 0);
  return data;
}

const params = (seed: number, nEpochs: number): UmapParams => ({ ...defaultUmapParams, seed, nEpochs });

test('a UMAP on the worker thread gives exactly the in-thread coordinates for the same seed', async () => {
  const data = clusters(400, 8, 1);
  const phases = new Set<string>();
  const inWorker = await umap3dInWorker(data, 400, 8, params(5, 40), { onProgress: (phase) => phases.add(phase) });
  assert.deepEqual(inWorker, await umap3d(data, 400, 8, params(5, 40)));
  assert.deepEqual([...phases], ['neighbours', 'graph', 'layout'], 'progress comes back from the thread');
  assert.equal(data.length, 400 * 8, 'the caller keeps its codes');
  const otherSeed = await umap3dInWorker(data, 400, 8, params(6, 40));
  assert.notDeepEqual(otherSeed, inWorker, 'another seed gives another layout');
});

test('the event loop keeps ticking while a few thousand points are laid out', async () => {
  const n = 4000;
  const data = clusters(n, 16, 2);
  const interval = 5;
  let ticks = 0;
  const timer = setInterval(() => ticks++, interval);
  const start = performance.now();
  const coords = await umap3dInWorker(data, n, 16, params(1, 50));
  const elapsed = performance.now() - start;
  clearInterval(timer);
  assert.equal(coords.length, n * 3);
  // A blocked loop fires a delayed interval once; a free one fires about elapsed / interval times.
  assert.ok(ticks >= elapsed / interval / 4, `${ticks} ticks in ${elapsed.toFixed(0)} ms at one per ${interval} ms`);
});

test('aborting stops the thread and rejects; a bad input fails with its message', async () => {
  const controller = new AbortController();
  const running = umap3dInWorker(clusters(3000, 16, 3), 3000, 16, params(1, 500), {
    signal: controller.signal,
    onProgress: (phase) => phase === 'layout' && controller.abort(),
  });
  await assert.rejects(running, { name: 'AbortError' });
  await assert.rejects(umap3dInWorker(new Float32Array(4), 2, 2, params(1, 10)), /UMAP needs at least 3 points, got 2/);
});
