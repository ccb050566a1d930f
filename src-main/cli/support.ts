import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Api } from '../api/create-api.ts';
import type { DatasetSummary, DecodedImage } from '../contract/contract.ts';
import { UserError } from '../errors.ts';

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

/** Item ids of a run's dataset from the CLI's ITEM arguments (an id or a path relative to the dataset folder). */
export async function itemIds(api: Api, runId: number, refs: string[]): Promise<number[]> {
  const { items } = await api.invoke('lookupItems', { runId, refs });
  return items.map((item) => item.id);
}

export interface GridOptions {
  /** Images per row (default: all in one strip). */
  columns?: number;
  /** Pixels of white between images. */
  gap?: number;
}

/** Writes images decoded by the API as one PNG strip or grid and says so on stdout. */
export async function writeImages(file: string, images: DecodedImage[], grid: GridOptions = {}): Promise<void> {
  if (path.extname(file).toLowerCase() !== '.png') throw new UserError(`--out must name a .png file, got "${file}"`);
  const { default: sharp } = await import('sharp');
  const { width, height } = images[0];
  const gap = grid.gap ?? 2;
  const columns = Math.max(1, Math.min(grid.columns ?? images.length, images.length));
  const rows = Math.ceil(images.length / columns);
  const canvas = sharp({
    create: { width: columns * width + (columns - 1) * gap, height: rows * height + (rows - 1) * gap, channels: 3, background: '#ffffff' },
  });
  const tiles = images.map((image, i) => ({
    input: Buffer.from(image.dataUrl.slice(image.dataUrl.indexOf(',') + 1), 'base64'),
    left: (i % columns) * (width + gap),
    top: Math.floor(i / columns) * (height + gap),
  }));
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    await canvas.composite(tiles).png().toFile(file);
  } catch (error) {
    throw new UserError(`cannot write ${file}: ${(error as Error).message}`, 'io_error');
  }
  process.stdout.write(`wrote ${file} (${images.length} image${images.length === 1 ? '' : 's'} of ${width}x${height})\n`);
}

/** A progress bar on stderr (only when stderr is a terminal, so scripts and logs stay clean). */
export function progressBar(label: string): { update(fraction: number, phase?: string): void; stop(): void } {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  // Required only when drawn, so commands that never draw one start without it.
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
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

/** Prints rows under a header row, each column as wide as its widest cell; numbers right-aligned, the last column unpadded. */
export function printTable(header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((row) => typeof row[c] === 'number' || /^-?[\d.]+(e[-+]?\d+)?$|^-$/.test(String(row[c]))));
  const widths = header.map((_, c) => Math.max(...cells.map((row) => row[c].length)));
  for (const row of cells) {
    const line = row.map((cell, c) => (c === row.length - 1 && !numeric[c] ? cell : numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c])));
    process.stdout.write(line.join('  ').trimEnd() + '\n');
  }
}

/** A dataset given by name or id (as the CLI's DATASET arguments take it), from the API's list. */
export async function findDataset(api: Api, ref: string): Promise<DatasetSummary> {
  const datasets = await api.invoke('listDatasets', {});
  const found = datasets.find((d) => d.name === ref) ?? (/^\d+$/.test(ref) ? datasets.find((d) => d.id === Number(ref)) : undefined);
  if (found) return found;
  const names = datasets.map((d) => `"${d.name}"`).join(', ');
  throw new UserError(`No dataset "${ref}" (give its id or name). ${names ? `Datasets: ${names}.` : 'There are no datasets.'}`, 'not_found');
}
