/**
 * Frames per second of the Explore point view while the camera orbits, at 10k, 100k
 * and 1M generated points, in headless Chromium on software GL (SwiftShader), with and
 * without a filter hiding half the points, next to stock three.js Points drawing the
 * same points in the same run.
 *
 *   node --import tsx bench/render.ts [--seconds 4] [--sizes 10000,100000,1000000]
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import type { BenchResult, PickTiming } from '../src-renderer/bench/results.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REFERENCE_FPS: Record<number, number> = { 10_000: 55, 100_000: 18, 1_000_000: 2.7 };

function arg(name: string, fallback: string): string {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 && process.argv[k + 1] ? process.argv[k + 1] : fallback;
}

const seconds = Number(arg('seconds', '4'));
const sizes = arg('sizes', '10000,100000,1000000').split(',').map(Number);

const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

function serve(dir: string): Promise<{ url: string; close: () => void }> {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.join(dir, path.normalize(rel));
    if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => server.close() });
    });
  });
}

async function main(): Promise<void> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-lab-bench-render-'));
  try {
    await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    const server = await serve(outDir);
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      page.on('pageerror', (e) => console.error('page error:', e.message));
      console.log(`Explore view, camera orbiting, 1280x720, headless Chromium + SwiftShader, ${seconds} s per measure`);
      const picks: Array<PickTiming & { n: number }> = [];
      console.log('points     latent-lab fps   (points drawn while moving)   with a filter fps   plain three.js Points fps   reference plain fps');
      for (const n of sizes) {
        const results: Record<string, BenchResult> = {};
        for (const mode of ['plain', 'latent-lab', 'filtered']) {
          await page.goto(`${server.url}/index.html?bench=${n}&mode=${mode}`);
          await page.waitForFunction('window.__bench !== undefined', undefined, { timeout: 120_000 });
          await page.evaluate('window.__bench.run(1000)'); // warm up: shaders compiled, budget adapted
          results[mode] = (await page.evaluate(`window.__bench.run(${seconds * 1000})`)) as BenchResult;
          if (mode === 'latent-lab') picks.push({ n, ...((await page.evaluate('window.__bench.pick(500)')) as PickTiming) });
        }
        const ours = results['latent-lab'];
        const plain = results.plain;
        console.log(
          `${String(n).padEnd(10)} ${ours.fps.toFixed(1).padStart(14)}   ${String(ours.drawnWhileMoving).padStart(27)}   ${results.filtered.fps.toFixed(1).padStart(17)}   ${plain.fps.toFixed(1).padStart(25)}   ${String(REFERENCE_FPS[n] ?? '-').padStart(19)}`,
        );
      }
      console.log('At rest the view draws every point once and stops; the numbers above are while the camera moves.');
      console.log('\nPicking (hover/click) through the screen-space grid index, no raycast:');
      console.log('points     index build after the camera rests (ms)   one pick (ms)   picks that hit a point');
      for (const p of picks) console.log(`${String(p.n).padEnd(10)} ${p.indexMs.toFixed(1).padStart(38)}   ${p.pickMs.toFixed(4).padStart(13)}   ${String(p.hits).padStart(7)} / 500`);
    } finally {
      await browser.close();
      server.close();
    }
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

await main();
