/**
 * Training throughput of the reference models on every available tfjs backend, side by side
 * with PyTorch (Debian's python3-torch) on 1 thread and on every core, on the same shapes, in one run.
 *
 *   node --import tsx bench/train.ts [--steps 60] [--big-steps 6] [--cpu-steps 2] [--threads N]
 *                                    [--models dense-ae,conv-ae,conv-vae,conv-ae-32rgb,...]
 *
 * 'wasm (stock)' is the wasm backend as shipped (the "before"); 'wasm, N threads' adds this
 * project's kernels and fast paths on 1 thread and on N (default: every core); 'wasm + OpenBLAS'
 * adds the native kernels (native/blas) where they are built (the "after"). A process loads the
 * wasm module once, with its threads shared for dense or conv models, so each thread count,
 * kernel set and kind of model runs in a child process.
 * --big-steps applies to the 32x32 and 64x64 RGB cases. Throughput is the median over chunks of
 * steps, so a burst of other work on a shared machine does not decide the figure.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendName, type SelectedBackend } from '../src-main/engine/backends/select.ts';
import { CONV_GRADIENT_KERNELS, missingKernels } from '../src-main/engine/backends/kernels-available.ts';
import { setWasmTrainingKernels } from '../src-main/engine/backends/wasm/register-training-kernels.ts';
import { FusedAdam } from '../src-main/engine/train/fused-adam.ts';
import { buildReferenceModel, imageShapeOf, REFERENCE_MODELS, type ReferenceModelName } from './reference-models.ts';
import { torchPeer } from './torch-peer.ts';

const IMAGES = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz';
const BATCH = 128;
const WARMUP_STEPS = 3;
const CHUNKS = 6;

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '60' },
    'big-steps': { type: 'string', default: '6' },
    'cpu-steps': { type: 'string', default: '2' },
    threads: { type: 'string', default: String(os.availableParallelism()) },
    models: { type: 'string', default: REFERENCE_MODELS.join(',') },
    // Internal: run only the wasm rows on this many threads, for the dense or conv models, and print them as JSON.
    'wasm-child': { type: 'string' },
    kind: { type: 'string' },
  },
});
const steps = Number(values.steps);
const bigSteps = Number(values['big-steps']);
const cpuSteps = Number(values['cpu-steps']);
const threads = Number(values.threads);
const models = values.models.split(',') as ReferenceModelName[];
for (const name of models) {
  if (!REFERENCE_MODELS.includes(name)) throw new Error(`Unknown model ${name}; choose from ${REFERENCE_MODELS.join(', ')}`);
}
const isBig = (name: ReferenceModelName) => imageShapeOf(name).size > 28;
const stepsFor = (name: ReferenceModelName, count = steps) => (isBig(name) ? Math.min(count, bigSteps) : count);

/**
 * Fashion-MNIST training images scaled to [0, 1], enough for `batches` distinct batches, at the
 * model's shape: upscaled (nearest) and, for RGB, the gray scaled by 1, 0.8, 0.6 per channel
 * (as torch_reference.py does).
 */
function loadImages(batches: number, name: ReferenceModelName): Float32Array {
  const { size, channels } = imageShapeOf(name);
  const bytes = zlib.gunzipSync(fs.readFileSync(IMAGES));
  const count = Math.min(bytes.readUInt32BE(4), batches * BATCH);
  const pixels = new Float32Array(count * size * size * channels);
  const source = Array.from({ length: size }, (_, i) => Math.floor((i * 28) / size));
  const scale = [1, 0.8, 0.6];
  let out = 0;
  for (let image = 0; image < count; image++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const gray = bytes[16 + image * 784 + source[y] * 28 + source[x]] / 255;
        for (let c = 0; c < channels; c++) pixels[out++] = gray * scale[c];
      }
    }
  }
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
  // The trainer's Adam: one fused update kernel per variable where the backend has it.
  const optimizer = new FusedAdam(1e-3);
  const sampleSize = model.sampleShape.reduce((a, b) => a * b, 1);
  const batches = Math.floor(pixels.length / (batch * sampleSize));
  const chunk = Math.max(1, Math.floor(count / CHUNKS));
  const rates: number[] = [];
  let loss = NaN;
  let start = 0;
  for (let step = 0; step < WARMUP_STEPS + count; step++) {
    const timed = step - WARMUP_STEPS;
    if (timed >= 0 && timed % chunk === 0) start = performance.now();
    const offset = (step % batches) * batch * sampleSize;
    const last = step === WARMUP_STEPS + count - 1;
    const cost = tf.tidy(() => {
      const x = tf.tensor(pixels.subarray(offset, offset + batch * sampleSize), [batch, ...model.sampleShape]);
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

function torchRow(name: ReferenceModelName, torchThreads: number): Row | null {
  const count = stepsFor(name);
  const figures = torchPeer(name, torchThreads, count, Math.max(1, Math.floor(count / CHUNKS)));
  if (figures === null) return null;
  const label = `pytorch, ${torchThreads} thread${torchThreads > 1 ? 's' : ''}`;
  if (typeof figures === 'string') return { backend: label, model: name, error: figures };
  const { label: backend, ...rest } = figures;
  return { backend, model: name, ...rest };
}

function print(rows: Row[]): void {
  const torchOn = (count: number) =>
    new Map(rows.filter((r) => r.backend.startsWith(`pytorch, ${count} thread`)).map((r) => [r.model, r]));
  const torch1 = torchOn(1);
  const torchN = torchOn(threads);
  console.log(`\nbatch ${BATCH}, Adam; ${steps} timed steps (32/64 RGB: ${bigSteps}; cpu: ${cpuSteps}) after ${WARMUP_STEPS} warm-up steps`);
  console.log('samples/s: median over chunks of steps; best: the fastest chunk (the quiet-machine figure)');
  console.log(`load average before / after: ${loadBefore} / ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (figures are noisy when it exceeds the cores, ${os.availableParallelism()})`);
  const backendWidth = Math.max(...rows.map((r) => r.backend.length)) + 1;
  const torchNLabel = `vs torch ${threads}`;
  console.log(
    `${'backend'.padEnd(backendWidth)} ${'model'.padEnd(15)} ${'samples/s'.padStart(10)} ${'ms/step'.padStart(8)} ${'vs torch 1'.padStart(11)} ${torchNLabel.padStart(11)} ${'best'.padStart(8)}   loss`,
  );
  const ratio = (value: number | undefined, reference: number | undefined) =>
    value !== undefined && reference !== undefined ? `${(value / reference).toFixed(2)}x` : '-';
  for (const r of rows) {
    const cells =
      r.error !== undefined || r.samplesPerSecond === undefined
        ? [r.error ?? '']
        : [
            r.samplesPerSecond.toFixed(0).padStart(10),
            ((BATCH * 1000) / r.samplesPerSecond).toFixed(1).padStart(8),
            ratio(r.samplesPerSecond, torch1.get(r.model)?.samplesPerSecond).padStart(11),
            ratio(r.samplesPerSecond, torchN.get(r.model)?.samplesPerSecond).padStart(11),
            (r.bestSamplesPerSecond?.toFixed(0) ?? '-').padStart(8),
            `  ${r.loss?.toFixed(1)}`,
          ];
    console.log(`${r.backend.padEnd(backendWidth)} ${r.model.padEnd(15)} ${cells.join(' ')}`);
  }
}

async function available(name: BackendName, wasmThreads?: number, conv = false): Promise<SelectedBackend | null> {
  try {
    return await selectBackend(name, { convGradients: conv }, { threads: wasmThreads });
  } catch (error) {
    console.log(`(${(error as Error).message})`);
    return null;
  }
}

type Kind = 'dense' | 'conv';
const kindOf = (name: ReferenceModelName): Kind => (name.startsWith('conv') ? 'conv' : 'dense');

/** This project's wasm rows for `kind` models (and, on one thread without OpenBLAS, the stock backend's) on `wasmThreads` threads. */
async function wasmRows(wasmThreads: number, kind: Kind): Promise<Row[]> {
  const selected = await available('wasm', wasmThreads, kind === 'conv');
  if (selected === null) return [];
  const rows: Row[] = [];
  const label = `wasm${selected.blas ? ' + OpenBLAS' : ''}, ${wasmThreadsUsedLabel(selected.threads)}`;
  for (const name of models.filter((m) => kindOf(m) === kind)) {
    const pixels = loadImages(isBig(name) ? 10 : 50, name);
    for (const stock of wasmThreads === 1 && !selected.blas ? [true, false] : [false]) {
      setWasmTrainingKernels(!stock);
      rows.push(tfjsRow(stock ? 'wasm (stock), 1 thread' : label, name, pixels, stepsFor(name)));
    }
  }
  return rows;
}

function wasmThreadsUsedLabel(count: number): string {
  return `${count} thread${count > 1 ? 's' : ''}`;
}

/** Runs this bench in a child process for one wasm thread count, kernel set and kind of model (a process loads wasm once). */
function wasmChild(wasmThreads: number, blas: 'on' | 'off', kind: Kind): Row[] {
  if (!models.some((m) => kindOf(m) === kind)) return [];
  const run = spawnSync(process.execPath, ['--import', 'tsx', ...process.argv.slice(1), '--wasm-child', String(wasmThreads), '--kind', kind], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, LATENT_LAB_BLAS: blas },
  });
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  if (run.status !== 0 || !line.startsWith('[')) {
    return [{ backend: `wasm, ${wasmThreadsUsedLabel(wasmThreads)}`, model: '-', error: `child failed: ${run.stdout.slice(-300)}` }];
  }
  return JSON.parse(line) as Row[];
}

if (values['wasm-child'] !== undefined) {
  console.log(JSON.stringify(await wasmRows(Number(values['wasm-child']), values.kind as Kind)));
  process.exit(0);
}

const loadBefore = os.loadavg().map((x) => x.toFixed(1)).join(' ');
const threadCounts = threads > 1 ? [1, threads] : [1];
const rows: Row[] = (['off', 'on'] as const).flatMap((blas) =>
  threadCounts.flatMap((count) => (['dense', 'conv'] as const).flatMap((kind) => wasmChild(count, blas, kind))),
);
for (const name of ['tensorflow', 'cpu'] as const) {
  if (!(await available(name))) continue;
  // The cpu backend takes minutes per step at 32x32 and 64x64 RGB.
  for (const model of models.filter((m) => name !== 'cpu' || !isBig(m))) {
    const count = name === 'cpu' ? cpuSteps : stepsFor(model);
    rows.push(tfjsRow(name, model, loadImages(isBig(model) ? 10 : 50, model), count));
  }
}
for (const model of models) {
  for (const torchThreads of threads > 1 ? [1, threads] : [1]) {
    const torch = torchRow(model, torchThreads);
    if (torch) rows.push(torch);
  }
}
const order = (r: Row) => models.indexOf(r.model as ReferenceModelName);
print(rows.sort((a, b) => order(a) - order(b)));
