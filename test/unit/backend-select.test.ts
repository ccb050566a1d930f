import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { isUserError } from '../../src-main/errors.ts';
import { kernelsAvailable, missingKernels } from '../../src-main/engine/backends/kernels-available.ts';
import { defaultThreads, MAX_WASM_THREADS } from '../../src-main/engine/backends/load-wasm.ts';
import { blasVersion, loadBlas } from '../../src-main/engine/backends/load-blas.ts';
import { selectBackend, shareThreads } from '../../src-main/engine/backends/select.ts';

function tfjsNodeInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

test('auto picks the best backend that loads, makes it active and says why better ones were skipped', async () => {
  const selected = await selectBackend('auto', { convGradients: true });
  assert.equal(tf.getBackend(), selected.name);
  if (tfjsNodeInstalled()) {
    assert.equal(selected.name, 'tensorflow');
    assert.equal(selected.note, undefined);
  } else {
    assert.equal(selected.name, 'wasm', 'wasm trains conv models once its kernels are registered');
    assert.match(selected.note ?? '', /tfjs-node is not installed.*; using wasm$/);
  }
});

test('forcing a backend that cannot load is a UserError naming it', { skip: tfjsNodeInstalled() }, async () => {
  await assert.rejects(selectBackend('tensorflow'), (error: Error) => {
    assert.ok(isUserError(error));
    assert.match(error.message, /Cannot use the tensorflow backend: tfjs-node is not installed/);
    return true;
  });
});

test('an unknown backend name is a UserError listing the choices', async () => {
  await assert.rejects(selectBackend('gpu' as 'cpu'), /Unknown backend "gpu"; choose one of auto, tensorflow, wasm, cpu/);
});

test('a backend lacking a kernel the model needs is skipped with a note, or refused when forced', async () => {
  // The cpu backend has FFT, the wasm backend does not.
  assert.deepEqual(missingKernels('cpu', ['FFT', 'Conv2D']), []);
  const selected = await selectBackend('auto', { kernels: ['FFT'] });
  if (!tfjsNodeInstalled()) {
    assert.equal(selected.name, 'cpu');
    assert.match(selected.note ?? '', /wasm has no FFT kernel; using cpu$/);
  }
  await assert.rejects(selectBackend('wasm', { kernels: ['FFT'] }), /Cannot use the wasm backend: wasm has no FFT kernel/);
  await assert.rejects(selectBackend('auto', { kernels: ['NoSuchKernel'] }), /No tfjs backend could be loaded/);
});

test('forced wasm and cpu load, and wasm has every conv training kernel', async () => {
  assert.deepEqual(await selectBackend('cpu'), { name: 'cpu', threads: 1 });
  assert.equal(tf.getBackend(), 'cpu');
  // The first wasm load in a process chose the threads (LATENT_LAB_THREADS, else every core).
  const blas = loadBlas();
  assert.deepEqual(await selectBackend('wasm', { convGradients: true }), {
    name: 'wasm',
    threads: Math.min(defaultThreads(), MAX_WASM_THREADS),
    ...('kernels' in blas ? { blas: blasVersion(blas.kernels) } : { note: `${blas.failure}; using wasm` }),
  });
  assert.equal(tf.getBackend(), 'wasm');
  assert.ok(kernelsAvailable('wasm', ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'BatchMatMul']));
});

test('with OpenBLAS, a dense model gives its threads to OpenBLAS and a conv model to XNNPACK; without, XNNPACK has them all', () => {
  assert.deepEqual(shareThreads(4, false, true), { wasm: 1, blas: 4 });
  assert.deepEqual(shareThreads(4, true, true), { wasm: 4, blas: 1 });
  assert.deepEqual(shareThreads(4, false, false), { wasm: 4, blas: 0 });
});

test('LATENT_LAB_BLAS=off turns the native kernels off and says so', () => {
  assert.deepEqual(loadBlas({ LATENT_LAB_BLAS: 'off' }), { failure: 'OpenBLAS kernels turned off (LATENT_LAB_BLAS=off)' });
});
