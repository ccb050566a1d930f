/**
 * Datasets in a real Chromium against a real `latent-lab serve`: imports made
 * by the CLI in another process appear without a reload, the Datasets view
 * shows and filters what the import changed, and a dataset is deleted after
 * a confirmation. Screenshots go to test-results/browser/.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { PixelCache, pixelCachePath } from '../../src-main/dataset/pixel-cache.ts';
import { cacheDirFor } from '../../src-main/paths.ts';
import { openStore } from '../../src-main/store/open.ts';
import { launchChromium, screenshotDir, startServe, type Served } from '../helpers/browser.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

// Page-side code in waitForFunction runs in the browser; the test's tsconfig has no DOM library.
declare const document: { querySelectorAll(selector: string): { length: number } };

const count = (selector: string, n: number) => page.waitForFunction(([sel, k]) => document.querySelectorAll(sel as string).length === k, [selector, n] as const);

const dir = tempDir('latent-lab-datasets-');
const dbPath = path.join(dir, 'lab.db');
const folder = path.join(dir, 'glyphs');
let served: Served;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

/** Black glyphs (bars of different lengths and places) on transparency, as symbolic icons are; one of them tiny. */
async function writeGlyphs(): Promise<void> {
  fs.mkdirSync(folder, { recursive: true });
  for (let i = 0; i < 8; i++) {
    const size = i === 0 ? 8 : 48;
    const data = Buffer.alloc(size * size * 4);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) if (y >= (i * size) / 10 && y < ((i + 2) * size) / 10 && x >= size / 8 && x < ((i + 2) * size) / 10) data[(y * size + x) * 4 + 3] = 255;
    }
    await sharp(data, { raw: { width: size, height: size, channels: 4 } }).png().toFile(path.join(folder, `glyph-${i}.png`));
  }
}

function cli(...args: string[]): void {
  const result = runCli(['--db', dbPath, ...args]);
  assert.equal(result.status, 0, result.stderr);
}

before(async () => {
  await writeGlyphs();
  served = await startServe(dbPath);
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1300, height: 820 } })).newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

after(async () => {
  await browser?.close();
  await served?.stop();
});

test('CLI imports appear live; the import changes are shown and filter the grid; delete asks first', { timeout: 120_000 }, async () => {
  await page.goto(served.url);
  await page.getByText('No datasets yet').first().waitFor();

  cli('import', folder, '--size', '32');
  const sidebar = page.locator('[data-test=sidebar-dataset]');
  await sidebar.filter({ hasText: 'glyphs' }).first().waitFor(); // no reload: the server noticed the other process's import
  const filters = page.locator('[data-test=change-filters]');
  await filters.waitFor();
  assert.match(await filters.innerText(), /had transparency\s*8/);
  assert.match(await filters.innerText(), /upscaled\s*1/);
  await page.locator('[data-test=grid-item]').nth(7).waitFor();
  await page.screenshot({ path: path.join(screenshotDir(), 'datasets-glyphs.png') });

  await filters.getByRole('button', { name: /upscaled/ }).click();
  await count('[data-test=grid-item]', 1);
  assert.match(await page.locator('[data-test=grid-item]').first().getAttribute('title') ?? '', /glyph-0\.png[\s\S]*png 8×8: upscaled, transparency on #ffffff/);

  cli('import', folder, '--size', '16');
  await sidebar.filter({ hasText: 'glyphs-16px' }).waitFor();
  assert.equal(await sidebar.count(), 2);

  await sidebar.filter({ hasText: 'glyphs-16px' }).click();
  await page.locator('[data-test=delete-dataset]').click();
  await page.getByText(/Delete "glyphs-16px", its 8 items/).waitFor();
  await page.screenshot({ path: path.join(screenshotDir(), 'datasets-delete-confirm.png') });
  await page.locator('[data-test=confirm-delete]').click();
  await count('[data-test=sidebar-dataset]', 1);

  const list = runCli(['--db', dbPath, 'datasets', '--json']);
  assert.deepEqual((JSON.parse(list.stdout) as { name: string }[]).map((d) => d.name), ['glyphs']);
  assert.deepEqual(pageErrors, []);
});

/** A dataset and a trained run where half the items have one identical code, written by another connection. */
function writeDegenerateRun(): void {
  const db = openStore(dbPath);
  const datasetId = Number(db.prepare("INSERT INTO datasets (name, root, size, channels, fit) VALUES ('flattened', '/flattened', 8, 1, 'cover')").run().lastInsertRowid);
  const runId = Number(db.prepare("INSERT INTO runs (dataset_id, model, config, status, epochs_done) VALUES (?, 'ae', '{\"model\":\"ae\",\"latent\":4}', 'completed', 1)").run(datasetId).lastInsertRowid);
  const cache = PixelCache.open(pixelCachePath(cacheDirFor(dbPath), datasetId), { size: 8, channels: 1 });
  const item = db.prepare("INSERT INTO items (dataset_id, path, label, split, hash, width, height, cache_index) VALUES (?, ?, ?, 'train', 'h', 8, 8, ?)");
  const embed = db.prepare('INSERT INTO embeddings (run_id, item_id, code) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < 100; i++) {
      cache.write(i, new Uint8Array(64).fill(i < 50 ? 0 : i * 2));
      const id = Number(item.run(datasetId, `i${i}.png`, i % 2 ? 'a' : 'b', i).lastInsertRowid);
      const code = i < 50 ? [1, 1, 1, 1] : [Math.sin(i), Math.cos(i), i / 100, Math.sin(i * 3)];
      embed.run(runId, id, Buffer.from(new Float32Array(code).buffer));
    }
  })();
  cache.close();
  db.close();
}

test('Explore warns when many items share one code', { timeout: 60_000 }, async () => {
  writeDegenerateRun();
  await page.locator('[data-test=sidebar-dataset]').filter({ hasText: 'flattened' }).click();
  await page.locator('[data-tab=explore]').click();
  const warning = page.locator('[data-test=shared-codes]');
  await warning.waitFor();
  assert.match(await warning.innerText(), /50% of the items share their code exactly with another \(largest group 50\)/);
  await page.screenshot({ path: path.join(screenshotDir(), 'explore-shared-codes.png') });
  assert.deepEqual(pageErrors, []);
});
