/**
 * Training throughput of the reference models on every available tfjs backend, side by side
 * with PyTorch (1 thread) on the same shapes, in one run.
 *
 *   node --import tsx bench/train.ts [--steps N] [--cpu-steps N] [--models dense-ae,conv-ae]
 *
 * 'wasm (stock)' is the wasm backend as shipped; 'wasm' adds this project's kernels and fixes.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendName } from '../src-main/engine/backends/select.ts';
import { missingKernels, CONV_GRADIENT_KERNELS } from '../src-main/engine/backends/kernels-available.ts';
import { setWasmTrainingKernels } from '../src-main/engine/backends/wasm/register-training-kernels.ts';
import { buildReferenceModel, REFERENCE_MODELS, type ReferenceModelName } from './reference-models.ts';

const IMAGES = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz';
const BATCH = 128;
const WARMUP_STEPS = 3;
const PYTHON_WITH_TORCH = '/usr/bin/python3';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '60' },
    'cpu-steps': { type: 'string', default: '3' },
    models: { type: 'string', default: REFERENCE_MODELS.join(',') },
  },
});
const steps = Number(values.steps);
const cpuSteps = Number(values['cpu-steps']);
const models = values.models.split(',') as ReferenceModelName[];

/** Fashion-MNIST training images scaled to [0, 1], enough for `batches` distinct batches. */
function loadImages(batches: number): Float32Array {
  const bytes = zlib.gunzipSync(fs.readFileSync(IMAGES));
  const count = Math.min(bytes.readUInt32BE(4), batches * BATCH);
  const pixels = new Float32Array(count * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = bytes[16 + i] / 255;
  return pixels;
}

interface Row {
  backend: string;
  model: ReferenceModelName;
  samplesPerSecond?: number;
  msPerStep?: number;
  loss?: number;
  error?: string;
}

function trainSteps(name: ReferenceModelName, pixels: Float32Array, count: number): Row & { backend: '' } {
  const model = buildReferenceModel(name);
  const optimizer = tf.train.adam(1e-3);
  const batches = pixels.length / (BATCH * 784);
  let loss = NaN;
  let start = 0;
  for (let step = 0; step < WARMUP_STEPS + count; step++) {
    if (step === WARMUP_STEPS) start = performance.now();
    const offset = (step % batches) * BATCH * 784;
    const last = step === WARMUP_STEPS + count - 1;
    const cost = tf.tidy(() => {
      const x = tf.tensor(pixels.subarray(offset, offset + BATCH * 784), [BATCH, ...model.sampleShape]);
      return optimizer.minimize(() => model.loss(x), last) ?? undefined;
    });
    if (cost) {
      loss = cost.dataSync()[0];
      cost.dispose();
    }
  }
  const seconds = (performance.now() - start) / 1000;
  optimizer.dispose();
  model.dispose();
  return { backend: '', model: name, samplesPerSecond: (count * BATCH) / seconds, msPerStep: (seconds * 1000) / count, loss };
}

function benchBackend(label: string, pixels: Float32Array, count: number): Row[] {
  const backend = tf.getBackend();
  return models.map((name) => {
    const needed = buildNeeds(name);
    const missing = missingKernels(backend, needed);
    if (missing.length > 0) return { backend: label, model: name, error: `no ${missing.join(', ')} kernel` };
    try {
      return { ...trainSteps(name, pixels, count), backend: label };
    } catch (error) {
      return { backend: label, model: name, error: (error as Error).message.split('\n')[0] };
    }
  });
}

function buildNeeds(name: ReferenceModelName): string[] {
  return name === 'dense-ae' ? [] : CONV_GRADIENT_KERNELS;
}

function torchRows(count: number): Row[] {
  const probe = spawnSync(PYTHON_WITH_TORCH, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return [];
  const run = spawnSync(
    PYTHON_WITH_TORCH,
    ['bench/torch_reference.py', '--steps', String(count), '--models', models.join(',')],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`torch_reference.py failed:\n${run.stderr}`);
  return run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { model: ReferenceModelName; samples_per_s: number; loss: number })
    .map((r) => ({ backend: 'pytorch (1 thread)', model: r.model, samplesPerSecond: r.samples_per_s, msPerStep: (BATCH * 1000) / r.samples_per_s, loss: r.loss }));
}

async function tryBackend(name: BackendName): Promise<boolean> {
  try {
    await selectBackend(name);
    return true;
  } catch (error) {
    console.log(`(${name}: ${(error as Error).message})`);
    return false;
  }
}

function format(rows: Row[]): void {
  const torch = new Map(rows.filter((r) => r.backend.startsWith('pytorch')).map((r) => [r.model, r.samplesPerSecond ?? NaN]));
  console.log(`\nbatch ${BATCH}, Adam, Fashion-MNIST 28x28; ${steps} timed steps (cpu: ${cpuSteps}) after ${WARMUP_STEPS} warm-up steps`);
  console.log('backend              model      samples/s   ms/step   vs PyTorch   loss');
  for (const r of rows) {
    const ref = torch.get(r.model);
    const cells = r.error
      ? [`unsupported: ${r.error}`]
      : [
          r.samplesPerSecond!.toFixed(0).padStart(9),
          r.msPerStep!.toFixed(1).padStart(9),
          (ref ? `${(r.samplesPerSecond! / ref).toFixed(2)}x` : '-').padStart(12),
          `  ${r.loss!.toFixed(1)}`,
        ];
    console.log(`${r.backend.padEnd(20)} ${r.model.padEnd(10)} ${cells.join(' ')}`);
  }
}

const pixels = loadImages(50);
const rows: Row[] = [];
if (await tryBackend('tensorflow')) rows.push(...benchBackend('tensorflow', pixels, steps));
if (await tryBackend('wasm')) {
  setWasmTrainingKernels(false);
  rows.push(...benchBackend('wasm (stock)', pixels, steps));
  setWasmTrainingKernels(true);
  rows.push(...benchBackend('wasm', pixels, steps));
}
if (await tryBackend('cpu')) rows.push(...benchBackend('cpu', pixels, cpuSteps));
rows.push(...torchRows(steps));
format(rows);
