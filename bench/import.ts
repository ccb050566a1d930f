/**
 * Import throughput on Fashion-MNIST as a folder of PNG files (built once
 * under /tmp), next to a bare single-process sharp decode loop over the same
 * files with the same resize, in one run.
 *
 *   node --import tsx bench/import.ts [--count 70000] [--size 28] [--skip-in-process]
 *
 * Target (issue 3): the whole import (scan, hash, decode, pixel cache, SQLite
 * rows, thumbnail atlases) at least as fast as the bare loop.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { importFolder, type ImportOptions, type ImportProgress } from '../src-main/dataset/import.ts';
import { scanFolder } from '../src-main/dataset/scan.ts';
import { writeFashionMnistFolder } from '../test/helpers/images.ts';

const { values } = parseArgs({
  options: { count: { type: 'string', default: '70000' }, size: { type: 'string', default: '28' }, 'skip-in-process': { type: 'boolean', default: false } },
});
const count = Number(values.count);
const size = Number(values.size);
const work = path.join(os.tmpdir(), 'latent-lab-bench');
const folder = path.join(work, `fashion-mnist-png-${count}`);

if (!fs.existsSync(path.join(folder, '.complete'))) {
  const t = performance.now();
  fs.rmSync(folder, { recursive: true, force: true });
  writeFashionMnistFolder(folder, count);
  fs.writeFileSync(path.join(folder, '.complete'), '');
  console.log(`built ${folder} (${count} PNG files) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
const files = scanFolder(folder).files.map((f) => f.absPath.toString());
console.log(`machine: ${os.availableParallelism()} cores, ${os.cpus()[0]?.model ?? '?'}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`${files.length} images, stored at ${size}x${size} grayscale\n`);

async function bareLoop(): Promise<number> {
  const t = performance.now();
  for (const file of files) await sharp(file).resize(size, size, { fit: 'cover' }).toColourspace('b-w').raw().toBuffer();
  return files.length / ((performance.now() - t) / 1000);
}

async function timedImport(runner: ImportOptions['runner'], dbPath: string): Promise<{ rate: number; phases: string }> {
  const phaseStart = new Map<string, number>();
  const onProgress = (p: ImportProgress) => {
    if (!phaseStart.has(p.phase)) phaseStart.set(p.phase, performance.now());
  };
  const t = performance.now();
  const summary = await importFolder({ dbPath, folder, size, channels: 'auto', runner, onProgress });
  const end = performance.now();
  if (summary.items !== files.length) throw new Error(`imported ${summary.items} of ${files.length}`);
  const marks = [...phaseStart.entries(), ['end', end] as const];
  const phases = marks.slice(0, -1).map(([name, at], i) => `${name} ${((marks[i + 1][1] - at) / 1000).toFixed(1)} s`).join(', ');
  return { rate: files.length / ((end - t) / 1000), phases };
}

function freshDb(name: string): string {
  const db = path.join(work, `${name}.db`);
  for (const f of [db, `${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true });
  fs.rmSync(path.join(work, `${name}-cache`), { recursive: true, force: true });
  return db;
}

const bare = await bareLoop();
console.log(`bare sharp loop (1 process, sequential)   ${bare.toFixed(0).padStart(6)} images/s   (reference)`);
const workersDb = freshDb('bench-workers');
const workers = await timedImport('workers', workersDb);
console.log(`import, worker threads                     ${workers.rate.toFixed(0).padStart(6)} images/s   ${(workers.rate / bare).toFixed(2)}x the bare loop   [${workers.phases}]`);
if (!values['skip-in-process']) {
  const inProcess = await timedImport('in-process', freshDb('bench-in-process'));
  console.log(`import, main thread + sharp's thread pool  ${inProcess.rate.toFixed(0).padStart(6)} images/s   ${(inProcess.rate / bare).toFixed(2)}x the bare loop   [${inProcess.phases}]`);
}
const again = await timedImport('workers', workersDb);
console.log(`re-import, nothing changed                 ${again.rate.toFixed(0).padStart(6)} images/s   (hash only, no decode)`);
console.log(`\ntarget: import >= bare loop (about 1,400 images/s on the 2-core reference machine)`);
