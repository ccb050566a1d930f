/**
 * Training throughput of the reference models on every available tfjs backend, side by side
 * with PyTorch (1 thread, Debian's python3-torch) on the same shapes, in one run.
 *
 *   node --import tsx bench/train.ts [--steps 60] [--cpu-steps 2] [--models dense-ae,conv-ae,conv-vae]
 *
 * 'wasm (stock)' is the wasm backend as shipped (the "before"); 'wasm' adds this project's
 * kernels and fast paths (the "after"). Throughput is the median over chunks of steps, so a
 * burst of other work on a shared machine does not decide the figure.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendName } from '../src-main/engine/backends/select.ts';
import { CONV_GRADIENT_KERNELS, missingKernels } from '../src-main/engine/backends/kernels-available.ts';
import { setWasmTrainingKernels } from '../src-main/engine/backends/wasm/register-training-kernels.ts';
import { buildReferenceModel, REFERENCE_MODELS, type ReferenceModelName } from './reference-models.ts';

const IMAGES = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz';
const BATCH = 128;
const WARMUP_STEPS = 3;
const CHUNKS = 6;
const PYTHON_WITH_TORCH = '/usr/bin/python3';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '60' },
    'cpu-steps': { type: 'string', default: '2' },
    models: { type: 'string', default: REFERENCE_MODELS.join(',') },
  },
});
const steps = Number(values.steps);
const cpuSteps = Number(values['cpu-steps']);
const models = values.models.split(',') as ReferenceModelName[];
for (const name of models) {
  if (!REFERENCE_MODELS.includes(name)) throw new Error(`Unknown model ${name}; choose from ${REFERENCE_MODELS.join(', ')}`);
}

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
  model: string;
  samplesPerSecond?: number;
  /** The fastest chunk: what the backend does when the machine is quiet. */
  bestSamplesPerSecond?: number;
  loss?: number;
  error?: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Adam steps on real batches; samples/s is the median over chunks of the timed steps. */
function measure(
  name: ReferenceModelName,
  pixels: Float32Array,
  count: number,
  batch = BATCH,
): { samplesPerSecond: number; bestSamplesPerSecond: number; loss: number } {
  const model = buildReferenceModel(name);
  const optimizer = tf.train.adam(1e-3);
  const batches = Math.floor(pixels.length / (batch * 784));
  const chunk = Math.max(1, Math.floor(count / CHUNKS));
  const rates: number[] = [];
  let loss = NaN;
  let start = 0;
  for (let step = 0; step < WARMUP_STEPS + count; step++) {
    const timed = step - WARMUP_STEPS;
    if (timed >= 0 && timed % chunk === 0) start = performance.now();
    const offset = (step % batches) * batch * 784;
    const last = step === WARMUP_STEPS + count - 1;
    const cost = tf.tidy(() => {
      const x = tf.tensor(pixels.subarray(offset, offset + batch * 784), [batch, ...model.sampleShape]);
      return optimizer.minimize(() => model.loss(x), last) ?? undefined;
    });
    if (cost) {
      loss = cost.dataSync()[0];
      cost.dispose();
    }
    if (timed >= 0 && timed % chunk === chunk - 1) rates.push((chunk * batch * 1000) / (performance.now() - start));
  }
  optimizer.dispose();
  model.dispose();
  return { samplesPerSecond: median(rates), bestSamplesPerSecond: Math.max(...rates), loss };
}

function tfjsRow(label: string, name: ReferenceModelName, pixels: Float32Array, count: number): Row {
  const missing = missingKernels(tf.getBackend(), name === 'dense-ae' ? [] : CONV_GRADIENT_KERNELS);
  if (missing.length > 0) return { backend: label, model: name, error: `unsupported (no ${missing.join(', ')} kernel)` };
  try {
    return { backend: label, model: name, ...measure(name, pixels, count) };
  } catch (error) {
    return { backend: label, model: name, error: (error as Error).message.split('\n')[0] };
  }
}

function torchRow(name: ReferenceModelName): Row | null {
  const run = spawnSync(
    PYTHON_WITH_TORCH,
    ['bench/torch_reference.py', '--steps', String(steps), '--chunk', String(Math.max(1, Math.floor(steps / CHUNKS))), '--models', name],
    // One thread like the tfjs side; OpenBLAS would otherwise start its own.
    { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1' } },
  );
  if (run.error || run.status !== 0) {
    if (/No module named 'torch'|ENOENT/.test(`${run.stderr}${run.error?.message ?? ''}`)) return null;
    return { backend: 'pytorch (1 thread)', model: name, error: `torch_reference.py failed: ${run.stderr.trim().split('\n').at(-1)}` };
  }
  const result = JSON.parse(run.stdout.trim()) as { samples_per_s: number; best_samples_per_s: number; loss: number; blas: string };
  return {
    backend: `pytorch (1 thread, ${result.blas})`,
    model: name,
    samplesPerSecond: result.samples_per_s,
    bestSamplesPerSecond: result.best_samples_per_s,
    loss: result.loss,
  };
}

async function available(name: BackendName): Promise<boolean> {
  try {
    await selectBackend(name);
    return true;
  } catch (error) {
    console.log(`(${(error as Error).message})`);
    return false;
  }
}

function print(rows: Row[]): void {
  const torch = new Map(rows.filter((r) => r.backend.startsWith('pytorch')).map((r) => [r.model, r]));
  console.log(`\nbatch ${BATCH}, Adam, Fashion-MNIST 28x28; ${steps} timed steps (cpu: ${cpuSteps}) after ${WARMUP_STEPS} warm-up steps`);
  console.log('samples/s: median over chunks of steps; best: the fastest chunk (the quiet-machine figure)');
  const backendWidth = Math.max(...rows.map((r) => r.backend.length)) + 1;
  console.log(
    `${'backend'.padEnd(backendWidth)} ${'model'.padEnd(10)} ${'samples/s'.padStart(10)} ${'ms/step'.padStart(8)} ${'vs PyTorch'.padStart(11)} ${'best'.padStart(8)} ${'vs best'.padStart(8)}   loss`,
  );
  const ratio = (value: number | undefined, reference: number | undefined) =>
    value !== undefined && reference !== undefined ? `${(value / reference).toFixed(2)}x` : '-';
  for (const r of rows) {
    const ref = torch.get(r.model);
    const cells =
      r.error !== undefined || r.samplesPerSecond === undefined
        ? [r.error ?? '']
        : [
            r.samplesPerSecond.toFixed(0).padStart(10),
            ((BATCH * 1000) / r.samplesPerSecond).toFixed(1).padStart(8),
            ratio(r.samplesPerSecond, ref?.samplesPerSecond).padStart(11),
            (r.bestSamplesPerSecond?.toFixed(0) ?? '-').padStart(8),
            ratio(r.bestSamplesPerSecond, ref?.bestSamplesPerSecond).padStart(8),
            `  ${r.loss?.toFixed(1)}`,
          ];
    console.log(`${r.backend.padEnd(backendWidth)} ${r.model.padEnd(10)} ${cells.join(' ')}`);
  }
}

const pixels = loadImages(50);
const backends: { label: string; name: BackendName; stock?: boolean; count: number }[] = [];
if (await available('tensorflow')) backends.push({ label: 'tensorflow', name: 'tensorflow', count: steps });
if (await available('wasm')) {
  backends.push({ label: 'wasm (stock)', name: 'wasm', stock: true, count: steps });
  backends.push({ label: 'wasm', name: 'wasm', count: steps });
}
if (await available('cpu')) backends.push({ label: 'cpu', name: 'cpu', count: cpuSteps });

const rows: Row[] = [];
for (const name of models) {
  for (const backend of backends) {
    await selectBackend(backend.name);
    if (backend.name === 'wasm') setWasmTrainingKernels(!backend.stock);
    rows.push(tfjsRow(backend.label, name, pixels, backend.count));
    console.log(`done: ${backend.label} ${name}`);
  }
  const torch = torchRow(name);
  if (torch) rows.push(torch);
}
print(rows);

if (backends.some((b) => b.name === 'wasm')) {
  // What a step costs regardless of batch size (tape, kernel dispatch, Adam over every weight):
  // the same models at batch 1.
  await selectBackend('wasm');
  const fixed = models.map((name) => `${name} ${(1000 / measure(name, pixels, 30, 1).samplesPerSecond).toFixed(1)} ms`);
  console.log(`\nwasm step time at batch 1 (per-step cost that does not scale with the batch): ${fixed.join(', ')}`);
}
