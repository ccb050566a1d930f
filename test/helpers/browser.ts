import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { chromium, type Browser, type Locator } from 'playwright-core';
import sharp from 'sharp';
import { repoRoot } from './cli.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface Served {
  /** The address `serve` printed, token included. */
  url: string;
  origin: string;
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts the real `latent-lab serve` (on a free port unless `args` has --port) and waits for the URL it prints. */
export function startServe(dbPath: string, env: Record<string, string> = {}, args: string[] = []): Promise<Served> {
  const port = args.includes('--port') ? [] : ['--port', '0'];
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/latent-lab.js'), '--db', dbPath, 'serve', ...port, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`latent-lab serve printed no URL within 30 s:\n${output}`));
    }, 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /(http:\/\/[^\s]+\?token=[^\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1], origin: new URL(match[1]).origin, process: child, output: () => output, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`latent-lab serve exited with ${code}:\n${output}`));
    });
  });
}

/** Where screenshots go (gitignored), created on first use. */
export function screenshotDir(): string {
  const dir = path.join(repoRoot, 'test-results', 'browser');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * A small labelled image folder for browser tests: discs, squares and rings in
 * class subfolders, at random positions, sizes and colours, plus an attributes
 * CSV with one binary attribute a person can see (`Big`).
 */
export async function writeShapesDataset(dir: string, perClass: number, size = 32): Promise<{ total: number }> {
  let seed = 12345;
  const rand = (): number => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  const rows = ['path,Big'];
  const shapes = ['disc', 'square', 'ring'] as const;
  for (const shape of shapes) {
    fs.mkdirSync(path.join(dir, shape), { recursive: true });
    for (let k = 0; k < perClass; k++) {
      const big = rand() < 0.5;
      const r = size * (big ? 0.3 + 0.08 * rand() : 0.14 + 0.06 * rand());
      const cx = size / 2 + (rand() - 0.5) * (size - 2 * r) * 0.8;
      const cy = size / 2 + (rand() - 0.5) * (size - 2 * r) * 0.8;
      const color = [80 + 175 * rand(), 80 + 175 * rand(), 80 + 175 * rand()];
      const pixels = Buffer.alloc(size * size * 3, 16);
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
          const inside =
            shape === 'disc' ? d <= r : shape === 'ring' ? d <= r && d >= r * 0.55 : Math.abs(x + 0.5 - cx) <= r * 0.9 && Math.abs(y + 0.5 - cy) <= r * 0.9;
          if (inside) pixels.set(color.map(Math.round), 3 * (y * size + x));
        }
      }
      const name = `${shape}-${String(k).padStart(3, '0')}.png`;
      await sharp(pixels, { raw: { width: size, height: size, channels: 3 } }).png().toFile(path.join(dir, shape, name));
      rows.push(`${shape}/${name},${big ? 1 : 0}`);
    }
  }
  fs.writeFileSync(path.join(dir, 'attributes.csv'), `${rows.join('\n')}\n`);
  return { total: perClass * shapes.length };
}

/** Client coordinates of a drawn point: a pixel of the view far from the background colour, away from overlays. */
export async function findPoint(view: Locator, avoid: Locator[]): Promise<{ x: number; y: number }> {
  const box = await view.boundingBox();
  assert.ok(box, 'the point view has a size');
  const png = await view.screenshot();
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const skip = (await Promise.all(avoid.map((l) => l.boundingBox()))).filter((b) => b !== null);
  const bg = [data[0], data[1], data[2]];
  let best: { x: number; y: number; d: number } | null = null;
  const cx = info.width / 2;
  const cy = info.height / 2;
  const coloured = (x: number, y: number) => {
    const o = (y * info.width + x) * info.channels;
    return Math.abs(data[o] - bg[0]) + Math.abs(data[o + 1] - bg[1]) + Math.abs(data[o + 2] - bg[2]) >= 90;
  };
  for (let y = 10; y < info.height - 40; y += 1) {
    for (let x = 10; x < info.width - 10; x += 1) {
      // The middle of a point, not its antialiased rim or the edge the picker may miss: the pixels 4 px around it are coloured too.
      if (![[0, 0], [-2, 0], [2, 0], [0, -2], [0, 2], [-4, 0], [4, 0], [0, -4], [0, 4]].every(([dx, dy]) => coloured(x + dx, y + dy))) continue;
      const px = box.x + x;
      const py = box.y + y;
      if (skip.some((b) => px >= b.x - 4 && px <= b.x + b.width + 4 && py >= b.y - 4 && py <= b.y + b.height + 4)) continue;
      const d = Math.hypot(x - cx, y - cy);
      if (!best || d < best.d) best = { x: px, y: py, d };
    }
  }
  assert.ok(best, 'the 3-D view shows coloured points');
  return { x: best.x, y: best.y };
}

