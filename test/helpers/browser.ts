import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
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

/** Starts the real `latent-lab serve` on a free port and waits for the URL it prints. */
export function startServe(dbPath: string, env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/latent-lab.js'), '--db', dbPath, 'serve', '--port', '0'], {
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
