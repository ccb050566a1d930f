/**
 * Training speed through `latent-lab train` itself, whole epochs on a 1,000-image dataset
 * (Fashion-MNIST, 100 per class, every 10th held out), next to PyTorch's step rate for the
 * same shapes measured in the same run (bench/torch_reference.py, 1 thread and every core).
 *
 *   node --import tsx bench/train-epochs.ts [--epochs 12] [--threads 1,2] [--cases dense-ae,conv-ae] [--blas on,off]
 *
 * For each case and thread count it runs the real CLI and timestamps its per-epoch lines:
 * - epoch samples/s: training images x epochs 2..N over the wall time from the end of epoch 1
 *   to the end of epoch N (steps, validation, weights and metrics writes: what a user waits for);
 * - outside steps: the share of that wall time not spent in optimiser steps (the step time is
 *   what each epoch's samples/s in the metrics table covers).
 * Epoch 1 is left out: it builds the XNNPACK operators. Cases run the engine's models at the
 * reference shapes: deep-ae 784-256-32, conv-ae filters 16,32 with a 16-D code (the engine's
 * conv blocks: 4x4 kernels, batch norm and a 3x3 conv on the smallest map; its PyTorch peer is
 * the same network, torch_reference.py's EngineConvAE); batch 128 like the peer. --blas on
 * trains with OpenBLAS's native kernels (native/blas, where built), off on wasm alone
 * (LATENT_LAB_BLAS=off); the kernels column says which ran.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { openStore } from '../src-main/store/open.ts';
import { writeFashionDataset } from './fashion-dataset.ts';
import { torchPeer, type TorchFigures, type TorchPeerName } from './torch-peer.ts';

const CLI = path.join(import.meta.dirname, '..', 'bin', 'latent-lab.js');
const TORCH_STEPS = 60;

const CASES: Record<string, { flags: string[]; peer: TorchPeerName }> = {
  'dense-ae': { flags: ['--model', 'deep-ae', '--hidden', '256', '--latent', '32'], peer: 'dense-ae' },
  'conv-ae': { flags: ['--model', 'conv-ae', '--filters', '16,32', '--latent', '16', '--loss', 'bce'], peer: 'engine-conv-ae' },
};

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '12' },
    threads: { type: 'string', default: `1,${os.availableParallelism()}` },
    cases: { type: 'string', default: Object.keys(CASES).join(',') },
    blas: { type: 'string', default: 'on,off' },
  },
});
const epochs = Number(values.epochs);
if (!Number.isInteger(epochs) || epochs < 2) throw new Error('--epochs: at least 2 (epoch 1 is left out of the figures)');
const threadCounts = [...new Set(values.threads.split(',').map(Number))];
const cases = values.cases.split(',');
for (const name of cases) if (!CASES[name]) throw new Error(`--cases: unknown ${name}; choose from ${Object.keys(CASES).join(', ')}`);
const blasSettings = values.blas.split(',');
if (blasSettings.some((b) => b !== 'on' && b !== 'off')) throw new Error('--blas: on, off or on,off');

interface Metric {
  epoch: number;
  samplesPerSecond: number;
}

interface Measured {
  epochSamplesPerSecond: number;
  stepSamplesPerSecond: number;
  outsideSteps: number;
  threadsUsed: number;
  kernels: string;
}

/** Runs `latent-lab train --json`, noting when each "epoch N/M" line reaches stderr. */
async function trainTimed(
  dbPath: string,
  args: string[],
  blas: string,
): Promise<{ epochEnds: number[]; summary: { run: number; config: { threadsUsed: number; blasUsed?: string } } }> {
  const env = { ...process.env, LATENT_LAB_BLAS: blas };
  const child = spawn(process.execPath, [CLI, '--db', dbPath, 'train', ...args, '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const epochEnds: number[] = [];
  readline.createInterface({ input: child.stderr }).on('line', (line) => {
    if (/^epoch \d+\/\d+ /.test(line)) epochEnds.push(performance.now() / 1000);
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`latent-lab train ${args.join(' ')} exited with ${code}`);
  return { epochEnds, summary: JSON.parse(stdout.trim().split('\n').at(-1)!) };
}

function metricsOf(dbPath: string, runId: number): Metric[] {
  const db = openStore(dbPath);
  try {
    return db.prepare('SELECT epoch, samples_per_second AS samplesPerSecond FROM metrics WHERE run_id = ? ORDER BY epoch').all(runId) as Metric[];
  } finally {
    db.close();
  }
}

async function measure(dbPath: string, dataset: string, trainCount: number, flags: string[], threads: number, blas: string): Promise<Measured> {
  const args = [dataset, ...flags, '--epochs', String(epochs), '--batch', '128', '--threads', String(threads)];
  const { epochEnds, summary } = await trainTimed(dbPath, args, blas);
  const metrics = metricsOf(dbPath, summary.run).filter((m) => m.epoch >= 2);
  const wall = epochEnds[epochs - 1] - epochEnds[0];
  const stepSeconds = metrics.reduce((sum, m) => sum + trainCount / m.samplesPerSecond, 0);
  return {
    epochSamplesPerSecond: ((epochs - 1) * trainCount) / wall,
    stepSamplesPerSecond: ((epochs - 1) * trainCount) / stepSeconds,
    outsideSteps: 1 - stepSeconds / wall,
    threadsUsed: summary.config.threadsUsed,
    kernels: summary.config.blasUsed ?? 'wasm',
  };
}

const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-lab-train-epochs-'));
try {
  const dbPath = path.join(dir, 'bench.db');
  const dataset = writeFashionDataset(dbPath, 100);
  const trainCount = 900;
  console.log(`${os.availableParallelism()} cores; load average at start ${load()} (other processes share this machine)`);
  console.log(`latent-lab train ${dataset} (${trainCount} training images) --epochs ${epochs} --batch 128; figures over epochs 2..${epochs}`);
  console.log(`${'case'.padEnd(9)} ${'kernels'.padEnd(15)} ${'threads'.padStart(7)} ${'epoch img/s'.padStart(11)} ${'step img/s'.padStart(10)} ${'outside steps'.padStart(13)}  ${'vs torch 1'.padStart(10)} ${'vs torch N'.padStart(10)}  load`);
  for (const name of cases) {
    const peers = new Map<number, TorchFigures>();
    for (const threads of [1, os.availableParallelism()]) {
      const figures = torchPeer(CASES[name].peer, threads, TORCH_STEPS, TORCH_STEPS / 6);
      if (figures !== null && typeof figures !== 'string') peers.set(threads, figures);
      else if (typeof figures === 'string') console.log(figures);
    }
    for (const blas of blasSettings) {
      for (const threads of threadCounts) {
        const m = await measure(dbPath, dataset, trainCount, CASES[name].flags, threads, blas);
        const ratio = (t: number) => (peers.has(t) ? `${(m.epochSamplesPerSecond / peers.get(t)!.samplesPerSecond).toFixed(2)}x` : '-');
        console.log(
          `${name.padEnd(9)} ${m.kernels.padEnd(15)} ${String(m.threadsUsed).padStart(7)} ${m.epochSamplesPerSecond.toFixed(0).padStart(11)} ${m.stepSamplesPerSecond.toFixed(0).padStart(10)} ${`${(100 * m.outsideSteps).toFixed(1)}%`.padStart(13)}  ${ratio(1).padStart(10)} ${ratio(os.availableParallelism()).padStart(10)}  ${load()}`,
        );
      }
    }
    for (const peer of peers.values()) console.log(`${name.padEnd(9)} ${peer.label}: ${peer.samplesPerSecond.toFixed(0)} img/s (steps only, median)`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
