import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { loadBlas, type BlasKernels } from '../../src-main/engine/backends/load-blas.ts';
import { selectBackend } from '../../src-main/engine/backends/select.ts';
import { blasKernels, setBlasKernels } from '../../src-main/engine/backends/wasm/blas.ts';
import { seededRandom } from '../../src-main/random.ts';

// Every kernel this project adds to or overrides in the wasm backend, checked against the cpu
// backend (the reference implementation) on random shapes, strides and paddings.

/** Whether npm built native/blas here (CI does: it installs libopenblas-dev). */
const blasBuilt = 'kernels' in loadBlas();
let native: BlasKernels | null = null;
before(async () => {
  await selectBackend('wasm');
  native = blasKernels();
});

/**
 * Runs `check` with each way the wasm kernels can compute: OpenBLAS's native kernels (where built)
 * with the conv gradients on one thread and split among three, then wasm alone.
 */
async function onEveryPath(check: (path: string) => Promise<void>): Promise<void> {
  const paths: [string, BlasKernels | null, number][] = [['OpenBLAS, 1 thread', native, 1], ['OpenBLAS, 3 threads', native, 3], ['wasm', null, 1]];
  try {
    for (const [path, kernels, threads] of paths.filter(([, kernels], i) => kernels !== null || i === paths.length - 1)) {
      setBlasKernels(kernels, threads);
      await check(path);
    }
  } finally {
    setBlasKernels(native);
  }
}

test('the wasm backend computes with OpenBLAS wherever the native kernels were built (CI builds them)', { skip: !blasBuilt && !process.env.CI && 'latent-lab-blas is not built here' }, async () => {
  const selected = await selectBackend('wasm');
  assert.match(selected.blas ?? '', /^OpenBLAS \d+\.\d+/, `blas: ${selected.blas}; note: ${selected.note}`);
  assert.equal(blasKernels(), native);
});

function random(seed: number, length: number): Float32Array {
  const uniform = seededRandom(seed);
  return Float32Array.from({ length }, () => uniform() * 2 - 1);
}

/** Runs `compute` on wasm and on cpu with the same inputs and asserts the results agree. */
async function assertSameOnWasmAndCpu(label: string, compute: () => tf.Tensor): Promise<void> {
  await tf.setBackend('wasm');
  const onWasm = tf.tidy(compute);
  const wasmShape = onWasm.shape;
  const wasmValues = onWasm.dataSync().slice();
  onWasm.dispose();
  await tf.setBackend('cpu');
  const onCpu = tf.tidy(compute);
  const cpuValues = onCpu.dataSync();
  assert.deepEqual(wasmShape, onCpu.shape, `${label}: shape`);
  onCpu.dispose();
  const scale = Math.max(1, ...Array.from(cpuValues, Math.abs));
  for (let i = 0; i < cpuValues.length; i++) {
    const error = Math.abs(wasmValues[i] - cpuValues[i]);
    assert.ok(error <= 1e-4 * scale, `${label}: element ${i} is ${wasmValues[i]} on wasm, ${cpuValues[i]} on cpu`);
  }
  await tf.setBackend('wasm');
}

interface ConvCase {
  batch: number;
  size: [number, number];
  inChannels: number;
  outChannels: number;
  filter: [number, number];
  strides: [number, number];
  pad: 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];
}

const convCases: ConvCase[] = [
  { batch: 2, size: [9, 8], inChannels: 2, outChannels: 3, filter: [3, 3], strides: [2, 2], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { batch: 1, size: [6, 6], inChannels: 3, outChannels: 2, filter: [3, 3], strides: [1, 1], pad: [[0, 0], [2, 4], [3, 0], [0, 0]] },
];
for (const strides of [[1, 1], [2, 2], [2, 1], [3, 3]] as [number, number][]) {
  for (const pad of ['same', 'valid'] as const) {
    for (const [size, filter] of [[[9, 9], [3, 3]], [[14, 14], [3, 3]], [[8, 11], [4, 2]], [[7, 6], [1, 1]], [[10, 10], [5, 5]]] as [[number, number], [number, number]][]) {
      convCases.push({ batch: 1 + (convCases.length % 3), size, inChannels: 1 + (convCases.length % 4), outChannels: 2 + (convCases.length % 5), filter, strides, pad });
    }
  }
}

function convTensors(c: ConvCase, seed: number) {
  const xShape = [c.batch, ...c.size, c.inChannels] as [number, number, number, number];
  const wShape = [...c.filter, c.inChannels, c.outChannels] as [number, number, number, number];
  const yShape = tf.backend_util.computeConv2DInfo(xShape, wShape, c.strides, 1, c.pad).outShape;
  const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  return {
    x: () => tf.tensor4d(random(seed, count(xShape)), xShape),
    w: () => tf.tensor4d(random(seed + 1, count(wShape)), wShape),
    dy: () => tf.tensor4d(random(seed + 2, count(yShape)), yShape),
    xShape,
  };
}

function conv2dBackpropFilter(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], c: ConvCase): tf.Tensor4D {
  const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape };
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

const describe = (c: ConvCase) =>
  `x ${c.batch}x${c.size.join('x')}x${c.inChannels}, filter ${c.filter.join('x')}x${c.outChannels}, strides ${c.strides}, pad ${JSON.stringify(c.pad)}`;

test('Conv2DBackpropFilter (added) matches cpu', async () => {
  assert.ok(tf.getKernel('Conv2DBackpropFilter', 'wasm'), 'wasm has a Conv2DBackpropFilter kernel');
  await onEveryPath(async (path) => {
    for (const [i, c] of convCases.entries()) {
      const t = convTensors(c, i * 10);
      await assertSameOnWasmAndCpu(`${path}: filter gradient, ${describe(c)}`, () =>
        conv2dBackpropFilter(t.x(), t.dy(), [...c.filter, c.inChannels, c.outChannels], c),
      );
    }
  });
});

test('Conv2DBackpropInput (overridden) matches cpu, so conv input gradients and conv2dTranspose do', async () => {
  await onEveryPath(async (path) => {
    for (const [i, c] of convCases.entries()) {
      const t = convTensors(c, i * 10 + 5);
      await assertSameOnWasmAndCpu(`${path}: input gradient, ${describe(c)}`, () =>
        tf.conv2dTranspose(t.dy(), t.w(), t.xShape, c.strides, c.pad),
      );
    }
  });
});

test('gradients of conv2d and conv2dTranspose layers match cpu end to end', async () => {
  const c: ConvCase = { batch: 2, size: [8, 8], inChannels: 3, outChannels: 4, filter: [3, 3], strides: [2, 2], pad: 'same' };
  const t = convTensors(c, 99);
  const loss = (...[x, w]: tf.Tensor[]) => {
    const y = tf.relu(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad));
    return tf.sigmoid(tf.conv2dTranspose(y, w as tf.Tensor4D, t.xShape, c.strides, c.pad)).square().sum();
  };
  await onEveryPath(async (path) => {
    for (const [index, name] of ['x', 'w'].entries()) {
      await assertSameOnWasmAndCpu(`${path}: d loss / d ${name}`, () => tf.grads(loss)([t.x(), t.w()])[index]);
    }
  });
});

test('BatchMatMul and _FusedMatMul with transpose flags and batches (overridden) match cpu', async () => {
  await onEveryPath(async (path) => {
    for (const [batch, m, k, n] of [[1, 5, 7, 3], [3, 16, 9, 12], [2, 1, 30, 4]]) {
      const a = () => tf.tensor3d(random(m * k, batch * m * k), [batch, m, k]);
      const aT = () => tf.tensor3d(random(m * k, batch * m * k), [batch, k, m]);
      const b = () => tf.tensor3d(random(k * n, batch * k * n), [batch, k, n]);
      const bT = () => tf.tensor3d(random(k * n, batch * k * n), [batch, n, k]);
      const oneB = () => tf.tensor2d(random(k * n + 1, k * n), [k, n]);
      const bias = () => tf.tensor1d(random(n, n));
      const label = `${path}, ${batch}x${m}x${k}x${n}`;
      await assertSameOnWasmAndCpu(`${label} plain`, () => tf.matMul(a(), b()));
      await assertSameOnWasmAndCpu(`${label} transposeA`, () => tf.matMul(aT(), b(), true, false));
      await assertSameOnWasmAndCpu(`${label} transposeB`, () => tf.matMul(a(), bT(), false, true));
      await assertSameOnWasmAndCpu(`${label} both`, () => tf.matMul(aT(), bT(), true, true));
      await assertSameOnWasmAndCpu(`${label} one right matrix for every item`, () => tf.matMul(aT(), oneB(), true, false));
      await assertSameOnWasmAndCpu(`${label} fused, transposeB, bias, relu`, () =>
        tf.fused.matMul({ a: a(), b: bT(), transposeB: true, bias: bias(), activation: 'relu' }),
      );
      await assertSameOnWasmAndCpu(`${label} fused, transposeA, bias, linear`, () => tf.fused.matMul({ a: aT(), b: b(), transposeA: true, bias: bias() }));
      await assertSameOnWasmAndCpu(`${label} fused, sigmoid, no bias`, () => tf.fused.matMul({ a: a(), b: b(), activation: 'sigmoid' }));
    }
    await assertSameOnWasmAndCpu(`${path}: no rows`, () => tf.matMul(tf.zeros([0, 3]), tf.ones([3, 2])));
    await assertSameOnWasmAndCpu(`${path}: an empty inner dimension gives zeros`, () => tf.matMul(tf.ones([2, 0]), tf.ones([0, 3])));
  });
});

test('the added kernels release every intermediate buffer', async () => {
  await tf.setBackend('wasm');
  const c: ConvCase = { batch: 2, size: [9, 9], inChannels: 3, outChannels: 4, filter: [3, 3], strides: [2, 2], pad: 'same' };
  const t = convTensors(c, 7);
  const x = t.x();
  const w = t.w();
  const dy = t.dy();
  const backend = tf.backend();
  const before = backend.numDataIds();
  for (let i = 0; i < 3; i++) {
    conv2dBackpropFilter(x, dy, w.shape, c).dispose();
    tf.conv2dTranspose(dy, w, t.xShape, c.strides, c.pad).dispose();
    tf.matMul(x.reshape([2, 81, 3]), x.reshape([2, 81, 3]), true, false).dispose();
  }
  assert.equal(backend.numDataIds(), before);
  tf.dispose([x, w, dy]);
});

test('UnsortedSegmentSum (added) matches cpu, dropping ids out of range', async () => {
  const ids = [2, 0, 2, 5, -1, 1];
  await assertSameOnWasmAndCpu('2-D data', () =>
    tf.unsortedSegmentSum(tf.tensor2d(random(3, 6 * 4), [6, 4]), tf.tensor1d(ids, 'int32'), 3),
  );
  await assertSameOnWasmAndCpu('3-D data', () =>
    tf.unsortedSegmentSum(tf.tensor3d(random(4, 6 * 10), [6, 2, 5]), tf.tensor1d(ids, 'int32'), 4),
  );
});

test('Tile (overridden) matches cpu: batch norm gradient shapes, inner and outer repeats, int32, ones and zeros', async () => {
  const cases: [number[], number[]][] = [
    [[1, 1, 1, 5], [3, 4, 2, 1]],
    [[2, 3], [3, 2]],
    [[3, 1, 2], [1, 5, 1]],
    [[4], [7]],
    [[2, 3, 4], [1, 1, 1]],
    [[2, 2], [0, 3]],
  ];
  for (const [shape, reps] of cases) {
    const size = shape.reduce((a, b) => a * b, 1);
    await assertSameOnWasmAndCpu(`tile [${shape}] by [${reps}]`, () => tf.tile(tf.tensor(random(size, size), shape), reps));
    await assertSameOnWasmAndCpu(`tile int32 [${shape}] by [${reps}]`, () => tf.tile(tf.tensor(Int32Array.from({ length: size }, (_, i) => i * 3 - 4), shape, 'int32'), reps));
  }
});

test('Sum and Mean over leading axes (overridden) match cpu; other reductions keep the stock kernel', async () => {
  const x = () => tf.tensor4d(random(9, 3 * 5 * 4 * 6), [3, 5, 4, 6]);
  await onEveryPath(async (path) => {
    for (const axis of [[0], [0, 1], [0, 1, 2], [2, 1, 0], [1, 2], [3], [0, 3]]) {
      for (const keepDims of [false, true]) {
        await assertSameOnWasmAndCpu(`${path}: sum over [${axis}]${keepDims ? ', kept' : ''}`, () => tf.sum(x(), axis, keepDims));
        await assertSameOnWasmAndCpu(`${path}: mean over [${axis}]${keepDims ? ', kept' : ''}`, () => tf.mean(x(), axis, keepDims));
      }
    }
    await assertSameOnWasmAndCpu(`${path}: sum of everything`, () => tf.sum(x()));
    await assertSameOnWasmAndCpu(`${path}: moments over n, h, w`, () => tf.stack(Object.values(tf.moments(x(), [0, 1, 2]))));
    await assertSameOnWasmAndCpu(`${path}: int32 sum`, () => tf.sum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), 0));
  });
});

test('the native kernels refuse a tensor outside the wasm heap instead of touching it', { skip: !blasBuilt && 'latent-lab-blas is not built here' }, async () => {
  await tf.setBackend('wasm');
  const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8;
  assert.throws(() => native!.columnSums(heap, heap.length - 8, 4, 4, 0, 1), /outside the wasm heap/);
  assert.throws(() => native!.sgemm(heap, 1, 0, 0, heap.length, 0, 0, 2, 2, 2, 0, 0), /outside the wasm heap/);
});

test('Identity (overridden) shares the memory of its input: a clone outlives its original with the same values, and the memory goes with the last of them', async () => {
  await tf.setBackend('wasm');
  const backend = tf.backend();
  const before = backend.numDataIds();
  const original = tf.tensor(random(31, 24), [2, 3, 4]);
  const clone = original.clone();
  assert.equal(backend.numDataIds(), before + 1, 'no copy: one buffer for both');
  const values = original.dataSync().slice();
  original.dispose();
  assert.deepEqual(clone.dataSync(), values);
  assert.deepEqual(clone.shape, [2, 3, 4]);
  clone.dispose();
  assert.equal(backend.numDataIds(), before, 'released once neither uses it');
  const words = tf.tensor(['a', 'b']);
  assert.deepEqual(words.clone().dataSync(), ['a', 'b'], 'strings keep the stock kernel');
  words.dispose();
});
