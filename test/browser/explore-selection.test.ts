/**
 * A researcher acting on a selection, in a real Chromium against `latent-lab serve`:
 * lasso -> grid of the selected images -> export their rows -> save them as a set ->
 * colour by the set -> filter by the legend -> reload the bookmarked address and get
 * the same view. Screenshots go to test-results/browser/selection-*.png.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { findPoint, launchChromium, screenshotDir, startServe, writeShapesDataset, type Served } from '../helpers/browser.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('latent-lab-selection-');
let served: Served;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let total = 0;
const pageErrors: string[] = [];

before(async () => {
  const folder = path.join(dir, 'shapes');
  ({ total } = await writeShapesDataset(folder, 30));
  const db = path.join(dir, 'selection.db');
  for (const args of [
    ['import', folder, '--size', '32'],
    ['train', '1', '--model', 'vae', '--latent', '4', '--epochs', '4', '--batch', '16', '--seed', '1'],
  ]) {
    const result = runCli(['--db', db, ...args]);
    assert.equal(result.status, 0, `${args.join(' ')}\n${result.stderr}`);
  }
  served = await startServe(db);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

after(async () => {
  await browser?.close();
  await served?.stop();
});

const shot = (p: Page, name: string) => p.screenshot({ path: path.join(screenshotDir(), `selection-${name}.png`) });
const count = async (p: Page) => Number((await p.locator('[data-test=selection-count]').innerText()).replace(/\D/g, ''));

/** Drags along the given points (fractions of the point view) with the mouse, shift held if asked. */
async function drag(p: Page, points: [number, number][], shift = false): Promise<void> {
  const box = await p.locator('[data-test=point-view]').boundingBox();
  assert.ok(box);
  const at = ([fx, fy]: [number, number]) => [box.x + fx * box.width, box.y + fy * box.height] as const;
  if (shift) await p.keyboard.down('Shift');
  await p.mouse.move(...at(points[0]));
  await p.mouse.down();
  for (const point of points.slice(1)) await p.mouse.move(...at(point), { steps: 4 });
  await p.mouse.up();
  if (shift) await p.keyboard.up('Shift');
}

async function openExplore(p: Page, url: string): Promise<void> {
  await p.goto(url);
  await p.locator('[data-test=point-count]', { hasText: `${total} points` }).waitFor();
  await p.waitForTimeout(500); // the view draws on demand; let it settle
}

test('lasso, grid, export, save a set, colour and filter by it, and reload the bookmarked view', { timeout: 240_000 }, async () => {
  await page.goto(served.url);
  await page.click('[data-tab=explore]');
  await openExplore(page, page.url());
  const toolbar = page.locator('.toolbar');
  assert.ok((await toolbar.boundingBox())!.height < 50, 'the toolbar is one line at 1280 px');

  // The inspector shows an item; a lasso around the left half selects without moving it.
  await page.locator('[data-test=search]').fill('disc-000');
  await page.keyboard.press('Enter');
  const focused = await page.locator('[data-test=inspector] .path').innerText();
  await page.click('[data-test=clear-selection]');
  await page.click('[data-test=lasso]');
  await drag(page, [[0.02, 0.02], [0.5, 0.02], [0.5, 0.98], [0.02, 0.98], [0.02, 0.03]]);
  const lassoed = await count(page);
  assert.ok(lassoed > 1 && lassoed < total, `the lasso took part of the cloud (${lassoed})`);
  assert.equal(await page.locator('[data-test=inspector] .path').innerText(), focused, 'the inspector stays where it was');
  await shot(page, '01-lasso');

  // Shift + box adds the right half; the grid pages through every selected item.
  await page.click('[data-test=box]');
  await drag(page, [[0.5, 0.01], [0.99, 0.99]], true);
  const both = await count(page);
  assert.ok(both > lassoed, `shift-box added to the selection (${lassoed} -> ${both})`);
  assert.equal(await page.locator('[data-test=selection-item]').count(), Math.min(48, both));
  if (both > 48) {
    await page.click('[data-test=selection-next]');
    assert.match(await page.locator('[data-test=selection-page]').innerText(), new RegExp(`49–${Math.min(96, both)} of ${both}`));
  }
  await shot(page, '02-grid');
  await page.click('[data-test=invert]');
  assert.equal(await page.locator('[data-test=selection]').count() ? await count(page) : 0, total - both, 'invert selects the rest');

  // Back to the lasso's selection: export its rows, then keep it as a named set.
  await page.click('[data-test=lasso]');
  await drag(page, [[0.02, 0.02], [0.5, 0.02], [0.5, 0.98], [0.02, 0.98], [0.02, 0.03]]);
  assert.equal(await count(page), lassoed);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=export-selection]')]);
  const file = path.join(screenshotDir(), 'selection.csv');
  await download.saveAs(file);
  const text = fs.readFileSync(file, 'utf8');
  assert.match(text.split('\n')[0], /^# latent-lab run 1; x,y,z: pca projection/);
  const rows = parse(text, { columns: true, comment: '#' }) as Record<string, string>[];
  assert.equal(rows.length, lassoed, 'one row per selected item');
  for (const column of ['id', 'path', 'z0', 'z3', 'x', 'y', 'z', 'neg_elbo']) assert.ok(column in rows[0], `CSV has ${column}`);
  await page.fill('[data-test=set-name]', 'left');
  await page.click('[data-test=save-set]');
  await page.locator('[data-test=selection-note]', { hasText: `Saved as set "left" (${lassoed} items)` }).waitFor();

  // Colour by the set, hide what is not in it by its legend entry, in the 2-D map.
  await page.selectOption('[data-test=color-by]', 'set:left');
  const legend = page.locator('[data-test=legend]');
  await legend.getByText(`not in left`).waitFor();
  assert.match(await legend.innerText(), new RegExp(`left\\s+${lassoed}`));
  await legend.locator('[data-test=legend-entry]', { hasText: 'not in left' }).click();
  await page.click('[data-test=filter-hide]');
  await page.click('[data-test=view-2d]');
  const filterCount = page.locator('[data-test=filter-count]');
  assert.equal(await filterCount.innerText(), `${lassoed} of ${total} shown`);
  await page.waitForTimeout(600);
  await shot(page, '03-filtered');

  // The address is the view: a new tab opened on it shows the same.
  const bookmark = page.url();
  assert.match(bookmark, /#.*color=set%3Aleft/);
  const other = await context.newPage();
  other.on('pageerror', (e) => pageErrors.push(e.message));
  await openExplore(other, bookmark);
  assert.equal(await other.locator('[data-test=color-by]').inputValue(), 'set:left');
  assert.equal(await other.locator('[data-test=filter-count]').innerText(), `${lassoed} of ${total} shown`);
  assert.equal(await count(other), lassoed, 'the selection is the saved set again');
  assert.equal(await other.locator('[data-test=view-2d]').getAttribute('class'), 'on');
  assert.equal(await other.locator('[data-test=inspector] .path').innerText(), focused, 'the inspected item too');
  await other.waitForTimeout(600);
  await shot(other, '04-reloaded');
  const [before, after] = await Promise.all([page, other].map(async (p) => sharp(await p.locator('[data-test=point-view]').screenshot()).raw().toBuffer()));
  let differing = 0;
  for (let k = 0; k < before.length; k++) if (Math.abs(before[k] - after[k]) > 40) differing++;
  assert.ok(differing / before.length < 0.02, `the reloaded map looks the same (${((100 * differing) / before.length).toFixed(2)}% of values differ)`);


  // A hover card goes away when the view zooms.
  const view = other.locator('[data-test=point-view]');
  const point = await findPoint(view, [other.locator('[data-test=legend]'), other.locator('.hint')]);
  await other.mouse.move(point.x, point.y);
  const card = other.locator('[data-test=hover-card]');
  await card.waitFor();
  await other.mouse.wheel(0, -200);
  await card.waitFor({ state: 'detached' });

  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});

test('the loss chart moves within an epoch, with KL on its own axis and the training time running', { timeout: 180_000 }, async () => {
  await page.click('[data-tab=train]');
  await page.click('[data-model=vae]');
  await page.fill('[data-test=latent]', '2');
  await page.fill('[data-test=epochs]', '3');
  await page.fill('[data-test=batch]', '4'); // 21 batches an epoch
  await page.click('[data-test=train]');
  const chart = page.locator('[data-test=chart]').first();
  await page.locator('.monitor h2', { hasText: '#2' }).waitFor(); // the new run, not the one trained before
  await page.locator('[data-test=run-status]', { hasText: 'completed' }).waitFor({ timeout: 120_000 });
  const points = Number(await chart.getAttribute('data-points'));
  assert.ok(points > 3 * 5, `the chart got points from inside the 3 epochs, not only their ends (${points})`);
  await chart.filter({ hasText: 'validation KL' }).waitFor();
  assert.doesNotMatch(await page.locator('[data-test=elapsed]').innerText(), /^0 s/);
  await page.check('[data-test=log-scale]');
  await shot(page, '05-live-chart');
  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});

test('two runs side by side: hovering an item in one map marks it in the other, coloured by shared neighbours', { timeout: 120_000 }, async () => {
  await page.click('[data-tab=runs]');
  for (const box of await page.locator('[data-test=runs-table] input[type=checkbox]').all()) await box.check();
  const pair = page.locator('[data-test=run-pair]');
  await pair.locator('[data-test=pair-agreement]').waitFor({ timeout: 60_000 });
  assert.match(await pair.locator('[data-test=pair-agreement]').innerText(), /on average [\d.]+% of each item's 10 nearest neighbours are the same in both runs/);
  const left = pair.locator('[data-test=pair-map-0] [data-test=point-view]');
  await left.scrollIntoViewIfNeeded(); // before reading where its points are
  await page.waitForTimeout(500);
  const point = await findPoint(left, [pair.locator('[data-test=pair-map-0] [data-test=legend]')]);
  await page.mouse.move(point.x, point.y);
  const right = pair.locator('[data-test=pair-caption-1]');
  await right.filter({ hasText: /(disc|square|ring)\/\w+-\d+\.png · \d+% of neighbours shared/ }).waitFor();
  assert.equal(await right.innerText(), await pair.locator('[data-test=pair-caption-0]').innerText());
  await shot(page, '06-run-pair');
  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});
