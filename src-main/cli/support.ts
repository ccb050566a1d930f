import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { resolveItem } from '../dataset/queries.ts';
import { loadRunModel, type RunModel } from '../engine/run-model.ts';
import { UserError } from '../errors.ts';
import type { Db } from '../store/open.ts';
import type { Images } from '../latent/decode.ts';
import { imagesToPng, type GridOptions } from '../latent/png.ts';

/** Shared argument parsing and output for the CLI commands. */

export function parseRunId(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new UserError(`"${value}" is not a run id (a whole number; \`latent-lab runs\` lists them)`);
  return n;
}

export function parseCount(value: string, flag: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UserError(`${flag} must be a whole number of at least ${min}, got "${value}"`);
  return n;
}

export function parseNumber(value: string, flag: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UserError(`${flag} must be a number, got "${value}"`);
  return n;
}

export function parseList(value: string | undefined): string[] {
  return value ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

export function parseChoice<T extends string>(value: string, flag: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) throw new UserError(`${flag} must be one of ${choices.join(', ')}, got "${value}"`);
  return value as T;
}

/** An item of the run's dataset by id or by its path relative to the dataset folder. */
export function resolveRunItem(db: Db, runId: number, ref: string): number {
  const datasetId = db.prepare('SELECT dataset_id FROM runs WHERE id = ?').pluck().get(runId) as number | undefined;
  if (datasetId === undefined) throw new UserError(`There is no run ${runId}; \`latent-lab runs\` lists them.`, 'not_found');
  return resolveItem(db, datasetId, ref).id;
}

/** Loads a run's trained model for `use` and frees it afterwards. */
export async function withRunModel<T>(db: Db, runId: number, use: (model: RunModel) => Promise<T>): Promise<T> {
  const model = await loadRunModel(db, runId);
  try {
    return await use(model);
  } finally {
    model.dispose();
  }
}

/** Writes decoded images as one PNG strip or grid and says so on stdout. */
export async function writeImages(file: string, images: Images, grid: GridOptions = {}): Promise<void> {
  if (path.extname(file).toLowerCase() !== '.png') throw new UserError(`--out must name a .png file, got "${file}"`);
  const png = await imagesToPng(images, grid);
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, png);
  } catch (error) {
    throw new UserError(`cannot write ${file}: ${(error as Error).message}`, 'io_error');
  }
  process.stdout.write(`wrote ${file} (${images.n} image${images.n === 1 ? '' : 's'} of ${images.size}x${images.size})\n`);
}

/** A progress bar on stderr (only when stderr is a terminal, so scripts and logs stay clean). */
export function progressBar(label: string): { update(fraction: number, phase?: string): void; stop(): void } {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${label} {phase} [{bar}] {percentage}% | ETA {eta}s`, barsize: 30, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1000, 0, { phase: '' });
  return {
    update: (fraction, phase = '') => bar.update(Math.round(fraction * 1000), { phase }),
    stop: () => bar.stop(),
  };
}
