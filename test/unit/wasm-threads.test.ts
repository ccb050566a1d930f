import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadBlas } from '../../src-main/engine/backends/load-blas.ts';
import { defaultThreads } from '../../src-main/engine/backends/load-wasm.ts';

const STEP = fileURLToPath(new URL('../helpers/wasm-train-step.ts', import.meta.url));

interface StepResult {
  threads: number;
  blas?: string;
  loss: number;
  weights: number[][];
  moved: number;
}

/** A process loads the wasm module once, so each thread count gets its own. */
function trainStep(threads: number, blas: 'on' | 'off' = 'on'): StepResult {
  const output = execFileSync(process.execPath, ['--import', 'tsx', STEP], {
    env: { ...process.env, LATENT_LAB_THREADS: String(threads), LATENT_LAB_BLAS: blas },
    encoding: 'utf8',
  });
  return JSON.parse(output) as StepResult;
}

function assertSameStep(single: StepResult, other: StepResult): void {
  assert.ok(Math.abs(other.loss - single.loss) <= 1e-5 * Math.abs(single.loss), `loss ${other.loss} vs ${single.loss}`);
  assert.ok(single.moved > 1e-3, 'the step changes the weights');
  single.weights.forEach((weight, index) => {
    const worst = Math.max(...weight.map((value, i) => Math.abs(value - other.weights[index][i])));
    assert.ok(worst <= 1e-3 * single.moved, `weight ${index} differs by ${worst}`);
  });
}

test('a training step on 3 wasm threads gives the loss and weights of a single-thread step', () => {
  const single = trainStep(1, 'off');
  const threaded = trainStep(3, 'off');
  assert.equal(single.threads, 1);
  assert.equal(threaded.threads, 3, 'the threaded build runs in Node with the threads asked for');
  assertSameStep(single, threaded);
});

test('a training step with OpenBLAS kernels gives the loss and weights of one on wasm alone', { skip: !('kernels' in loadBlas()) && !process.env.CI && 'latent-lab-blas is not built here' }, () => {
  const wasmAlone = trainStep(1, 'off');
  const withBlas = trainStep(3, 'on');
  assert.match(withBlas.blas ?? '', /^OpenBLAS/);
  assert.equal(wasmAlone.blas, undefined);
  assertSameStep(wasmAlone, withBlas);
});

test('LATENT_LAB_THREADS sets the default thread count, every core otherwise, and a bad value names it', () => {
  assert.equal(defaultThreads({ LATENT_LAB_THREADS: '3' }), 3);
  assert.ok(defaultThreads({}) >= 1);
  assert.throws(() => defaultThreads({ LATENT_LAB_THREADS: 'many' }), /LATENT_LAB_THREADS must be a positive integer, got "many"/);
});
