/**
 * The renderer's pure logic, without a browser: the screen-space index that hover,
 * click and lasso use, the colour scales, colourings and filters, and the
 * interpolation the handle decodes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ItemSet } from '../../src-main/contract/contract.ts';
import { coloringOf, effectiveColor, filteredOut } from '../../src-renderer/explore/coloring.ts';
import { colorByCategory, colorByScale, MISSING_COLOR } from '../../src-renderer/explore/colors.ts';
import { noFilters } from '../../src-renderer/explore/view-state.ts';
import { pointInPolygon, ScreenIndex } from '../../src-renderer/explore/screen-index.ts';
import { lerp, slerp } from '../../src-renderer/state/latent-math.ts';

// Orthographic-like view-projection: x and y in [-1, 1] map straight to the screen, w = 1.
const IDENTITY = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

function index(points: number[][], size = 6): ScreenIndex {
  const idx = new ScreenIndex();
  idx.build({
    positions: new Float32Array(points.flat()),
    count: points.length,
    viewProjection: IDENTITY,
    flat: false,
    width: 200,
    height: 100,
    pixelSize: () => size,
  });
  return idx;
}

test('the screen index projects points to pixels with y pointing down', () => {
  const idx = index([[0, 0, 0], [-1 + 1e-6, 1 - 1e-6, 0], [0.5, -0.5, 0]]);
  assert.ok(Math.abs(idx.x[0] - 100) < 1e-3 && Math.abs(idx.y[0] - 50) < 1e-3);
  assert.ok(idx.x[1] < 1 && idx.y[1] < 1);
  assert.ok(Math.abs(idx.x[2] - 150) < 1e-3 && Math.abs(idx.y[2] - 75) < 1e-3);
});

test('pick finds the point under the cursor, prefers the nearer of two overlapping, and misses empty space', () => {
  const idx = index([[0, 0, 0.5], [0.01, 0, -0.5], [0.5, 0.5, 0]], 10);
  idx.depth[0] = 2; // farther
  idx.depth[1] = 1; // nearer
  assert.equal(idx.pick(100, 50), 1);
  assert.equal(idx.pick(150, 25), 2);
  assert.equal(idx.pick(40, 90), -1);
});

test('pick stays exact among many points: it returns the brute-force nearest within the pick radius', () => {
  let seed = 3;
  const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296) * 2 - 1;
  const points = Array.from({ length: 5000 }, () => [rand(), rand(), 0]);
  const idx = index(points, 0.1); // tiny discs: every pick is a nearest-within-6-px search
  for (let k = 0; k < 200; k++) {
    const px = 100 + rand() * 95;
    const py = 50 + rand() * 45;
    let nearest = Infinity;
    for (let i = 0; i < points.length; i++) nearest = Math.min(nearest, (idx.x[i] - px) ** 2 + (idx.y[i] - py) ** 2);
    const got = idx.pick(px, py);
    if (nearest > 36) assert.equal(got, -1);
    else assert.equal((idx.x[got] - px) ** 2 + (idx.y[got] - py) ** 2, nearest);
  }
});

test('the lasso selects exactly the points inside the polygon', () => {
  const idx = index([[0, 0, 0], [0.9, 0.9, 0], [-0.5, 0, 0]]);
  const triangle = [80, 30, 120, 30, 100, 70];
  assert.deepEqual(idx.inPolygon(triangle), [0]);
  assert.ok(pointInPolygon(100, 40, triangle));
  assert.ok(!pointInPolygon(10, 10, triangle));
});

test('points behind the camera or off screen are never picked', () => {
  const idx = new ScreenIndex();
  // w = -z: a point at z = +1 is behind a camera looking down -z.
  const behind = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, -1, 0, 0, 0, 0];
  idx.build({ positions: new Float32Array([0, 0, 1, 5, 5, -1]), count: 2, viewProjection: behind, flat: false, width: 200, height: 100, pixelSize: () => 6 });
  assert.equal(idx.visible[0], 0);
  assert.equal(idx.visible[1], 0);
  assert.equal(idx.pick(100, 50), -1);
});

test('categories get distinct colours by frequency, and missing values are grey', () => {
  const { rgb, legend } = colorByCategory(['cat', 'dog', 'cat', null]);
  assert.equal(legend.kind, 'categories');
  if (legend.kind !== 'categories') return;
  assert.deepEqual(
    legend.entries.map((e) => [e.name, e.count]),
    [['cat', 2], ['dog', 1], ['none', 1]],
  );
  assert.deepEqual([...rgb.slice(0, 3)], [...rgb.slice(6, 9)]);
  assert.notDeepEqual([...rgb.slice(0, 3)], [...rgb.slice(3, 6)]);
  assert.deepEqual([...rgb.slice(9, 12)], MISSING_COLOR);
});

test('a continuous scale clips at the percentiles and greys NaN', () => {
  const values = Array.from({ length: 101 }, (_, k) => k);
  values.push(Number.NaN);
  const { rgb, legend } = colorByScale(values, 'reconstruction error');
  assert.equal(legend.kind, 'scale');
  if (legend.kind === 'scale') assert.ok(legend.min >= 0 && legend.max <= 100 && legend.min < legend.max);
  assert.deepEqual([...rgb.slice(101 * 3)], MISSING_COLOR);
  assert.notDeepEqual([...rgb.slice(0, 3)], [...rgb.slice(100 * 3, 100 * 3 + 3)]);
});

test('slerp keeps the norm where lerp shrinks it, and both hit the endpoints', () => {
  const a = [3, 0, 0];
  const b = [0, 3, 0];
  assert.deepEqual(lerp(a, b, 0), a);
  assert.deepEqual(slerp(a, b, 1).map((v) => Math.round(v * 1e9) / 1e9), b);
  const mid = slerp(a, b, 0.5);
  assert.ok(Math.abs(Math.hypot(...mid) - 3) < 1e-9);
  assert.ok(Math.hypot(...lerp(a, b, 0.5)) < 2.2);
  assert.deepEqual(slerp(a, a, 0.3), a); // parallel codes fall back to lerp
});

test('points a filter hides cannot be picked or lassoed', () => {
  const idx = new ScreenIndex();
  const build = (hidden: Uint8Array | null) =>
    idx.build({ positions: new Float32Array([0, 0, 0, 0.5, 0.5, 0]), count: 2, viewProjection: IDENTITY, flat: false, width: 200, height: 100, pixelSize: () => 10, hidden });
  build(null);
  assert.equal(idx.pick(100, 50), 0);
  build(Uint8Array.of(1, 0));
  assert.equal(idx.pick(100, 50), -1);
  assert.deepEqual(idx.inPolygon([0, 0, 200, 0, 200, 100, 0, 100]), [1]);
});

function exploreData() {
  return {
    itemIds: [10, 11, 12, 13],
    labels: [null, null, null, null] as Array<string | null>,
    attributes: [{ Big: 1 }, { Big: 0 }, null, { Big: 1 }] as Array<Record<string, number> | null>,
    splits: ['train', 'val', 'train', 'train'] as Array<'train' | 'val'>,
    scores: Float64Array.of(0.1, 0.2, 0.3, Number.NaN),
    scoreName: 'reconstruction error',
    scoreSets: [],
  };
}

test('unlabelled data is coloured by its score; a set colours its members against the rest', () => {
  const d = exploreData();
  assert.equal(effectiveColor('', d), 'score');
  assert.equal(effectiveColor('', { ...d, labels: ['x', null, null, null] }), 'label');
  assert.equal(coloringOf(d, 'score', [], null).legend.kind, 'scale');
  const sets: ItemSet[] = [{ id: 1, datasetId: 1, name: 'odd', itemIds: [11, 13], savedAt: '' }];
  const legend = coloringOf(d, 'set:odd', sets, null).legend;
  assert.ok(legend.kind === 'categories');
  assert.deepEqual(legend.entries.map((e) => [e.name, e.count]).sort(), [['not in odd', 2], ['odd', 2]]);
  const byDim = coloringOf(d, 'dim:1', [], Float32Array.of(1, 2, 3, 4)).legend;
  assert.equal(byDim.kind === 'scale' ? byDim.title : null, 'z1', 'a latent dimension on a scale');
});

test('filters: every one set must hold; none set filters nothing', () => {
  const d = exploreData();
  const sets: ItemSet[] = [{ id: 1, datasetId: 1, name: 'odd', itemIds: [11, 13], savedAt: '' }];
  assert.equal(filteredOut(d, 'label', noFilters(), sets), null);
  const out = (f: Partial<ReturnType<typeof noFilters>>, color = 'label') => Array.from(filteredOut(d, color, { ...noFilters(), ...f }, sets) ?? []);
  assert.deepEqual(out({ split: 'train' }), [0, 1, 0, 0]);
  assert.deepEqual(out({ set: 'odd' }), [1, 0, 1, 0]);
  assert.deepEqual(out({ attribute: 'Big=1' }), [0, 1, 1, 0]);
  assert.deepEqual(out({ scoreMin: 0.15, scoreMax: 0.25 }), [1, 0, 1, 1], 'no score: outside any range');
  assert.deepEqual(out({ hidden: ['not in odd'] }, 'set:odd'), [1, 0, 1, 0], 'a legend entry switched off');
  assert.deepEqual(out({ split: 'train', attribute: 'Big=1' }), [0, 1, 1, 0]);
});
