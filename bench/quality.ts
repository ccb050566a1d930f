/**
 * What the default training learns, per dataset, next to PCA at the same latent size and a
 * PyTorch peer of the same network (bench/torch_quality.py): validation MSE, 5-nearest-
 * neighbour label accuracy in code space (validation codes voted by their 5 nearest training
 * codes), active latent dimensions for VAEs, and wall time of the whole `latent-lab train`
 * command. Every run goes through the real CLI, exactly as a user types it.
 *
 *   node --import tsx bench/quality.ts [--datasets faces,fashion-10k,icons,fashion-60k]
 *                                      [--torch-threads 2] [--no-torch]
 *
 * Datasets: the demo faces (2,000 drawn 64x64 RGB, `latent-lab demo`), Fashion-MNIST 10,000
 * (1,000 per class, 10% held out) and 60,000 (test set as validation; conv-ae 32-D with a
 * 20-minute bound), and the Adwaita icon theme at 32 px (PNG with transparency, 8 to 512 px,
 * labelled by category: actions, apps, devices, ...).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BatchReader, loadItems, openPixels } from '../src-main/engine/train/data-source.ts';
import { openStore } from '../src-main/store/open.ts';
import { writeFashionDataset } from './fashion-dataset.ts';
import { knnAccuracy } from './knn-codes.ts';

const { values } = parseArgs({
  options: {
    datasets: { type: 'string', default: 'faces,fashion-10k,icons,fashion-60k' },
    'torch-threads': { type: 'string', default: '2' },
    'no-torch': { type: 'boolean', default: false },
  },
});

const CLI = path.join(import.meta.dirname, '..', 'bin', 'latent-lab.js');

interface Dataset {
  /** Writes the dataset into the database; returns its name. */
  prepare(dbPath: string, dir: string): string;
  /** Flags of the measured run beyond `train DS` (the done-when commands). */
  flags: string[];
}

function cli(dbPath: string, args: string[]): string {
  return execFileSync(process.execPath, [CLI, '--db', dbPath, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
}

/** Fashion-MNIST written into a database as an import would (see fashion-dataset.ts). */
function fashion(perClass: number | null): Dataset['prepare'] {
  return (dbPath) => writeFashionDataset(dbPath, perClass);
}

/** Every PNG of the Adwaita theme, at all its sizes, in one folder per category (the labels). */
function icons(dbPath: string, dir: string): string {
  const root = '/usr/share/icons/Adwaita';
  const folder = path.join(dir, 'adwaita');
  for (const size of fs.readdirSync(root)) {
    const sizeDir = path.join(root, size);
    if (!fs.statSync(sizeDir).isDirectory()) continue;
    for (const category of fs.readdirSync(sizeDir)) {
      const from = path.join(sizeDir, category);
      if (!fs.statSync(from).isDirectory()) continue;
      for (const file of fs.readdirSync(from).filter((f) => f.endsWith('.png'))) {
        fs.mkdirSync(path.join(folder, category), { recursive: true });
        fs.copyFileSync(path.join(from, file), path.join(folder, category, `${size}-${file}`));
      }
    }
  }
  cli(dbPath, ['import', folder, '--size', '32', '--name', 'adwaita']);
  return 'adwaita';
}

const DATASETS: Record<string, Dataset> = {
  faces: { prepare: (dbPath) => (cli(dbPath, ['demo']), 'demo-faces'), flags: ['--latent', '16'] },
  'fashion-10k': { prepare: fashion(1000), flags: ['--latent', '16'] },
  icons: { prepare: icons, flags: [] },
  'fashion-60k': { prepare: fashion(null), flags: ['--model', 'conv-ae', '--latent', '32', '--max-minutes', '20'] },
};

interface Summary {
  run: number;
  model: string;
  latent: number;
  backend: string;
  epochs: number;
  stopReason: string | null;
  valMse: number;
  activeDims?: number;
  config: { filters: number[]; batch: number; lr: number };
}

interface Row {
  what: string;
  epochs: string;
  seconds: number;
  mse: number;
  knn: number;
  active: string;
}

function train(dbPath: string, args: string[]): { summary: Summary; seconds: number } {
  const started = performance.now();
  const summary = JSON.parse(cli(dbPath, ['train', ...args, '--json']).trim().split('\n').at(-1)!) as Summary;
  return { summary, seconds: (performance.now() - started) / 1000 };
}

/** The dataset's pixels and labels as files the PyTorch peer reads. */
function exportSplits(dbPath: string, name: string, dir: string): void {
  const db = openStore(dbPath);
  const dataset = db.prepare('SELECT id, size, channels FROM datasets WHERE name = ?').get(name) as { id: number; size: number; channels: 1 | 3 };
  const shape = { size: dataset.size, channels: dataset.channels };
  const all = loadItems(db, dataset.id, 'all', []);
  const cache = openPixels(dbPath, dataset.id, shape, all);
  for (const split of ['train', 'val'] as const) {
    const items = loadItems(db, dataset.id, split, []);
    const reader = new BatchReader(cache, items);
    fs.writeFileSync(path.join(dir, `${split}.f32`), reader.read(Int32Array.from({ length: reader.length }, (_, i) => i)));
    const labels = db.prepare(`SELECT label FROM items WHERE dataset_id = ? AND status = 'ok' AND split = ? ORDER BY id`).pluck().all(dataset.id, split) as (string | null)[];
    fs.writeFileSync(path.join(dir, `${split}.labels`), labels.map((l) => l ?? '').join('\n'));
  }
  cache.close();
  db.close();
}

function torchPeer(dbPath: string, name: string, dir: string, s: Summary, shape: { size: number; channels: number }): Row | string {
  if (s.model !== 'conv-ae') return `no PyTorch peer for ${s.model}`;
  exportSplits(dbPath, name, dir);
  const threads = values['torch-threads'];
  const args = ['--size', shape.size, '--channels', shape.channels, '--latent', s.latent, '--filters', s.config.filters.join(','), '--epochs', s.epochs, '--batch', s.config.batch, '--lr', s.config.lr, '--threads', threads];
  const run = spawnSync('/usr/bin/python3', ['bench/torch_quality.py', dir, ...args.map(String)], { encoding: 'utf8' });
  if (run.status !== 0) return `torch_quality.py failed: ${run.stderr.trim().split('\n').at(-1)}`;
  const r = JSON.parse(run.stdout.trim()) as { val_mse: number; knn5: number; seconds: number };
  return { what: `PyTorch peer (${threads} threads, same net and epochs)`, epochs: String(s.epochs), seconds: r.seconds, mse: r.val_mse, knn: r.knn5, active: '-' };
}

const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`${os.cpus().length} cores; load average at start ${load()} (other processes share this machine)`);
for (const key of values.datasets.split(',')) {
  const dataset = DATASETS[key];
  if (!dataset) throw new Error(`unknown dataset ${key}; choose from ${Object.keys(DATASETS).join(', ')}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `latent-lab-quality-${key}-`));
  try {
    const dbPath = path.join(dir, 'bench.db');
    const name = dataset.prepare(dbPath, dir);
    const db = openStore(dbPath);
    const shape = db.prepare('SELECT size, channels FROM datasets WHERE name = ?').get(name) as { size: number; channels: number };
    db.close();
    const recipe = train(dbPath, [name, ...dataset.flags]);
    const s = recipe.summary;
    const pca = train(dbPath, [name, '--model', 'pca', '--latent', String(s.latent)]);
    const knnOf = (runId: number) => {
      const handle = openStore(dbPath);
      try {
        return knnAccuracy(handle, runId);
      } finally {
        handle.close();
      }
    };
    const rows: Row[] = [
      { what: `PCA-${s.latent}`, epochs: 'closed form', seconds: pca.seconds, mse: pca.summary.valMse, knn: knnOf(pca.summary.run), active: '-' },
      {
        what: `latent-lab train ${[name, ...dataset.flags].join(' ')} (${s.model}, ${s.backend})`,
        epochs: `${s.epochs} (${s.stopReason})`,
        seconds: recipe.seconds,
        mse: s.valMse,
        knn: knnOf(s.run),
        active: s.activeDims === undefined ? '-' : `${s.activeDims}/${s.latent}`,
      },
    ];
    if (!values['no-torch']) {
      const peer = torchPeer(dbPath, name, dir, s, shape);
      if (typeof peer === 'string') console.log(peer);
      else rows.push(peer);
    }
    console.log(`\n${key}: ${name}, ${shape.size}x${shape.size}x${shape.channels}; load average now ${load()}`);
    console.log(`${'model'.padEnd(78)} ${'epochs'.padEnd(18)} ${'wall s'.padStart(7)}  ${'val MSE'.padStart(8)}  ${'/ PCA'.padStart(5)}  ${'5-NN'.padStart(5)}  active`);
    for (const r of rows) {
      console.log(`${r.what.padEnd(78)} ${r.epochs.padEnd(18)} ${r.seconds.toFixed(0).padStart(7)}  ${r.mse.toFixed(5).padStart(8)}  ${(r.mse / rows[0].mse).toFixed(2).padStart(5)}  ${r.knn.toFixed(3).padStart(5)}  ${r.active}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
