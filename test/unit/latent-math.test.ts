import assert from 'node:assert/strict';
import { test } from 'node:test';
import { neighbourAgreement } from '../../src-main/latent/agreement.ts';
import { rocAuc } from '../../src-main/latent/auc.ts';
import type { RunCodes } from '../../src-main/latent/codes.ts';
import { float32Text } from '../../src-main/latent/float-text.ts';
import { interpolationPath, lerp, slerp } from '../../src-main/latent/interpolate.ts';
import { knnGraph } from '../../src-main/latent/knn-graph.ts';
import { exactNeighbours } from '../../src-main/latent/knn.ts';
import { symmetricEigen } from '../../src-main/linalg.ts';
import { normalQuantile } from '../../src-main/latent/normal.ts';
import { pca3d } from '../../src-main/latent/pca.ts';
import { gaussian, seededRandom } from '../../src-main/random.ts';
import { median, medianAbsoluteDeviation, robustThreshold } from '../../src-main/latent/robust.ts';

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));

test('slerp keeps the norm of equal-norm codes where lerp shrinks it', () => {
  const a = [3, 0, 0, 0];
  const b = [0, 0, 3, 0];
  for (const t of [0.25, 0.5, 0.75]) {
    assert.ok(Math.abs(norm(slerp(a, b, t)) - 3) < 1e-5, `slerp norm at t=${t}`);
    assert.ok(norm(lerp(a, b, t)) < 2.9, `lerp norm at t=${t}`);
  }
  // White 2016: midpoint of orthogonal unit vectors is (a+b)/sqrt(2)
  assert.deepEqual(Array.from(slerp([1, 0], [0, 1], 0.5), (x) => Number(x.toFixed(6))), [0.707107, 0.707107]);
});

test('interpolation paths include both endpoints exactly and have N steps', () => {
  const a = Float32Array.of(0.1, -2.5, 7);
  const b = Float32Array.of(-3, 0.25, 1e-3);
  for (const method of ['lerp', 'slerp'] as const) {
    const path = interpolationPath(a, b, 5, method);
    assert.equal(path.length, 15);
    assert.deepEqual(path.subarray(0, 3), a);
    assert.deepEqual(path.subarray(12, 15), b);
  }
  assert.throws(() => interpolationPath(a, b, 1, 'lerp'), /at least 2 steps/);
  // parallel codes: slerp falls back to lerp instead of dividing by sin(0)
  assert.deepEqual(Array.from(slerp([1, 1], [2, 2], 0.5)), [1.5, 1.5]);
});

test('ROC AUC: perfect, reversed, random-tied, and the Mann-Whitney value with ties', () => {
  assert.equal(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]), 1);
  assert.equal(rocAuc([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0]), 0);
  assert.equal(rocAuc([5, 5, 5, 5], [1, 0, 1, 0]), 0.5);
  // positives 2 and 3 against negatives 1 and 3: pairs (2>1) (2<3) (3>1) (3=3) -> (1+0+1+0.5)/4
  assert.equal(rocAuc([2, 3, 1, 3], [1, 1, 0, 0]), 2.5 / 4);
  assert.ok(Number.isNaN(rocAuc([1, 2], [1, 1])));
});

test('median, MAD and the robust threshold on known values', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  // |x - 3| = 2, 1, 0, 1, 97 -> MAD 1
  assert.equal(medianAbsoluteDeviation([1, 2, 3, 4, 100]), 1);
  const { threshold, median: m, mad } = robustThreshold([1, 2, 3, 4, 100], 3.5);
  assert.equal(m, 3);
  assert.equal(mad, 1);
  assert.ok(Math.abs(threshold - (3 + 3.5 * 1.4826)) < 1e-12);
  // on Gaussian scores the threshold sits near mean + 3.5 sigma
  const normal = gaussian(seededRandom(3));
  const scores = Array.from({ length: 20000 }, () => 10 + 2 * normal());
  assert.ok(Math.abs(robustThreshold(scores).threshold - 17) < 0.3);
});

test('symmetric eigen-decomposition recovers a known spectrum', () => {
  // rotation of diag(5, 2, 0.5) by an orthonormal basis
  const q = [
    [1 / Math.sqrt(2), 1 / Math.sqrt(2), 0],
    [-1 / Math.sqrt(2), 1 / Math.sqrt(2), 0],
    [0, 0, 1],
  ];
  const lambda = [5, 2, 0.5];
  const m = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) m[i * 3 + j] += q[k][i] * lambda[k] * q[k][j];
  const { values, vectors } = symmetricEigen(m, 3);
  assert.deepEqual(Array.from(values, (v) => Number(v.toFixed(9))), lambda);
  for (let k = 0; k < 3; k++) {
    const dot = q[k].reduce((s, x, i) => s + x * vectors[k * 3 + i], 0);
    assert.ok(Math.abs(Math.abs(dot) - 1) < 1e-9, `eigenvector ${k}`);
  }
});

test('PCA projects points on a tilted plane onto its two axes, third axis zero', () => {
  // points s * u + t * w with u, w orthonormal in 4-D, s spread 3x more than t; every (s, t)
  // comes with (s, -t) so s and t are exactly uncorrelated and the principal axes are u and w
  const u = [0.5, 0.5, 0.5, 0.5];
  const w = [0.5, -0.5, 0.5, -0.5];
  const random = seededRandom(1);
  const n = 200;
  const data = new Float32Array(n * 4);
  const st: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const s = 3 * (Math.floor(i / 2) / 99 - 0.5);
    const t = i % 2 ? -st[i - 1][1] : random() - 0.5;
    st.push([s, t]);
    for (let k = 0; k < 4; k++) data[i * 4 + k] = 10 + s * u[k] + t * w[k];
  }
  const { coords, explained } = pca3d(data, n, 4);
  const meanS = st.reduce((a, [s]) => a + s, 0) / n;
  const meanT = st.reduce((a, [, t]) => a + t, 0) / n;
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(Math.abs(coords[i * 3]) - Math.abs(st[i][0] - meanS)) < 1e-4);
    assert.ok(Math.abs(Math.abs(coords[i * 3 + 1]) - Math.abs(st[i][1] - meanT)) < 1e-4);
    assert.ok(Math.abs(coords[i * 3 + 2]) < 1e-4);
  }
  assert.ok(explained[0] > 0.8 && Math.abs(explained[0] + explained[1] - 1) < 1e-6 && explained[2] < 1e-9);
  // a 2-D input gets z = 0
  assert.equal(pca3d(Float32Array.of(0, 1, 2, 3, 5, 4), 3, 2).coords[2], 0);
});

test('float32 text parses back to the identical float32', () => {
  const random = seededRandom(9);
  const normal = gaussian(random);
  const values = [0, -0, 0.1, 1 / 3, 1e-38, 3.4028234663852886e38, 1.401298464324817e-45, -123456.7890625];
  for (let i = 0; i < 5000; i++) values.push(normal() * 10 ** Math.floor(random() * 12 - 6));
  for (const v of values) {
    const f = Math.fround(v);
    const text = float32Text(f);
    assert.ok(Object.is(Math.fround(Number(text)), f), `${f} -> ${text}`);
    assert.ok(text.replace(/^-|0\.0*|\.|e.*$/g, '').length <= 9, `${text} has more than 9 significant digits`);
  }
  assert.equal(float32Text(Math.fround(0.1)), '0.1');
});

test('exact neighbours: euclidean and cosine order, exclusion, ties by row', () => {
  const data = Float32Array.of(0, 0, 1, 0, 0, 2, 10, 0, 5, 5);
  const e = exactNeighbours(data, 5, 2, [0, 0], 3, 'euclidean', new Set([0]));
  assert.deepEqual(Array.from(e.indices), [1, 2, 4]);
  assert.deepEqual(Array.from(e.distances, (d) => Number(d.toFixed(5))), [1, 2, Number(Math.sqrt(50).toFixed(5))]);
  const c = exactNeighbours(data, 5, 2, [1, 0], 3, 'cosine');
  assert.deepEqual(Array.from(c.indices), [1, 3, 4]);
  assert.ok(Math.abs(c.distances[2] - (1 - Math.SQRT1_2)) < 1e-6);
});

test('the approximate kNN graph finds nearly all exact neighbours, itself first', () => {
  const random = seededRandom(5);
  const normal = gaussian(random);
  const n = 3000;
  const d = 8;
  // clustered data, as codes are
  const centres = Array.from({ length: 10 }, () => Array.from({ length: d }, () => 5 * normal()));
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) data[i * d + k] = centres[i % 10][k] + normal();
  const k = 10;
  const graph = knnGraph(data, n, d, k, { random, exactBelow: 0 });
  let hits = 0;
  for (let i = 0; i < n; i += 10) {
    assert.equal(graph.indices[i * k], i);
    const exact = new Set(exactNeighbours(data, n, d, data.subarray(i * d, (i + 1) * d), k, 'euclidean').indices);
    for (let s = 0; s < k; s++) if (exact.has(graph.indices[i * k + s])) hits++;
  }
  assert.ok(hits / ((n / 10) * k) > 0.95, `recall ${hits / ((n / 10) * k)}`);
});

test('normal quantiles match known values', () => {
  assert.ok(Math.abs(normalQuantile(0.5)) < 1e-9);
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963985) < 1e-8);
  assert.ok(Math.abs(normalQuantile(0.01) + 2.326347874) < 1e-8);
  assert.throws(() => normalQuantile(1), RangeError);
});

test('neighbour agreement: 1 for the same geometry, about chance for unrelated codes, over the items both runs embed', () => {
  const normal = gaussian(seededRandom(5));
  const n = 200;
  const runCodes = (ids: number[], values: (i: number, k: number) => number, dim = 3): RunCodes => ({
    runId: 1,
    itemIds: Int32Array.from(ids),
    n: ids.length,
    dim,
    codes: Float32Array.from({ length: ids.length * dim }, (_, j) => values(Math.floor(j / dim), j % dim)),
    logvar: null,
  });
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const base = Float32Array.from({ length: n * 3 }, () => normal());
  const a = runCodes(ids, (i, k) => base[i * 3 + k]);
  const scaled = runCodes(ids, (i, k) => 3 * base[i * 3 + k] + 7);
  const same = neighbourAgreement(a, scaled, 5);
  assert.equal(same.mean, 1);
  const unrelated = neighbourAgreement(a, runCodes(ids, () => normal()), 5);
  assert.ok(unrelated.mean < 0.15, `unrelated codes agree about by chance (${unrelated.mean})`);
  const fewer = neighbourAgreement(a, runCodes(ids.slice(50), (i, k) => base[(i + 50) * 3 + k]), 5);
  assert.deepEqual(fewer.itemIds, ids.slice(50), 'only items both runs embed');
  assert.throws(() => neighbourAgreement(a, a, n), /needs more than 200 items/);
});
