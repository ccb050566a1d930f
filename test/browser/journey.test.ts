/**
 * A new user's whole journey, in a real Chromium against a real `latent-lab serve`:
 * import a folder, train a small model, see and pick points in the 3-D view,
 * interpolate by dragging, move the attribute slider, open outliers, export a CSV.
 * Every step asserts what the user would see and saves a screenshot under
 * test-results/browser/.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { Browser, Locator, Page } from 'playwright-core';
import { findPoint, launchChromium, screenshotDir, startServe, writeShapesDataset, type Served } from '../helpers/browser.ts';
import { tempDir } from '../helpers/tmp.ts';

// Page-side code in waitForFunction runs in the browser; the test's tsconfig has no DOM library.
declare const document: { querySelectorAll(selector: string): ArrayLike<{ complete?: boolean; getAttribute(name: string): string | null }> };

/** The `src` of the n-th element matching a selector, read in the page (CSP forbids string predicates). */
function srcChanged(selector: string, index: number, before: string | null) {
  return page.waitForFunction(([sel, k, old]) => document.querySelectorAll(sel as string)[k as number]?.getAttribute('src') !== old, [selector, index, before] as const);
}

const PER_CLASS = 40;
let served: Served;
let browser: Browser;
let page: Page;
let total = 0;
let folder = '';
const pageErrors: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshotDir(), `${name}.png`) });
}

/** Waits for what the user expects to see; an error shown in the page instead fails at once with its message. */
async function see(target: Locator, timeout = 20_000): Promise<void> {
  const error = page.locator('[data-test=error]').first();
  const outcome = await Promise.race([
    target.waitFor({ timeout }).then(() => null),
    error.waitFor({ timeout }).then(async () => error.innerText()),
  ]);
  if (outcome !== null) throw new Error(`The page shows an error instead: ${outcome}`);
}

async function dragSlider(slider: Locator, from: number, to: number): Promise<void> {
  const box = await slider.boundingBox();
  assert.ok(box);
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * from, y);
  await page.mouse.down();
  for (let k = 1; k <= 8; k++) await page.mouse.move(box.x + box.width * (from + ((to - from) * k) / 8), y);
  await page.mouse.up();
}

const dir = tempDir('latent-lab-journey-');

before(async () => {
  folder = path.join(dir, 'shapes');
  ({ total } = await writeShapesDataset(folder, PER_CLASS));
  served = await startServe(path.join(dir, 'journey.db'));
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, acceptDownloads: true });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

after(async () => {
  await browser?.close();
  await served?.stop();
});

test('a new user walks the whole journey in the browser', { timeout: 240_000 }, async (t) => {
  // Each step needs the one before: after a failure the rest are skipped, with a screenshot of where it stopped.
  let failed: string | null = null;
  const step = (name: string, fn: () => Promise<void>) =>
    t.test(name, async (s) => {
      if (failed) return s.skip(`after "${failed}" failed`);
      try {
        await fn();
      } catch (error) {
        failed = name;
        await shot('failed').catch(() => undefined);
        throw error;
      }
    });
  await step('opens the app and is told what to do first', async () => {
    await page.goto(served.url);
    await page.getByText('No datasets yet').first().waitFor();
    await shot('01-empty');
  });

  await step('imports a folder and sees its images, labels and attributes', async () => {
    await page.fill('[data-test=folder]', folder);
    await page.click('[data-test=import]');
    const summary = page.locator('[data-test=import-summary]');
    await see(summary, 60_000);
    assert.match(await summary.innerText(), new RegExp(`Imported ${total} images`));
    assert.match(await summary.innerText(), /3 labels · 1 attribute ·/);
    await page.locator('[data-test=grid-item]').nth(59).waitFor(); // a full first page of the image grid
    assert.equal(await page.locator('[data-test=sidebar-dataset]').count(), 1);
    await shot('02-imported');
    // The light theme, by its keyboard shortcut, and back.
    await page.locator('h2').first().click();
    await page.keyboard.press('t');
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'light');
    await shot('02-imported-light');
    await page.keyboard.press('t');
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
  });

  await step('trains a small VAE and watches the loss chart', async () => {
    await page.click('[data-tab=train]');
    await see(page.locator('[data-model=vae]'));
    await page.click('[data-model=vae]');
    await page.fill('[data-test=latent]', '4');
    // 108 training images: small batches give the model enough steps to learn something visible.
    await page.fill('[data-test=epochs]', '10');
    await page.fill('[data-test=batch]', '16');
    await page.click('[data-test=train]');
    await see(page.locator('[data-test=run-status]', { hasText: 'completed' }), 120_000);
    await page.locator('[data-test=chart] canvas').first().waitFor();
    // The backend in use is shown, with what it computes on (OpenBLAS where native/blas is built) and its threads.
    await see(page.locator('[data-test=backend]', { hasText: /^backend \w+( \+ OpenBLAS [\d.]+)?, \d+ threads?$/ }));
    await shot('03-trained');
  });

  await step('sees every item as a point in the 3-D view, hovers and selects one', async () => {
    await page.click('[data-tab=explore]');
    await see(page.getByText(`${total} points`), 60_000);
    const view = page.locator('[data-test=point-view]');
    await page.locator('[data-test=legend]').waitFor();
    const legend = await page.locator('[data-test=legend]').innerText();
    for (const label of ['disc', 'square', 'ring']) assert.match(legend, new RegExp(`${label}\\s+${PER_CLASS}`), `the legend counts ${label}`);
    await page.waitForTimeout(400); // the view draws on demand; let it settle
    const avoid = [page.locator('[data-test=legend]'), page.locator('.hint')];
    const point = await findPoint(view, avoid);
    await page.mouse.move(point.x, point.y);
    const card = page.locator('[data-test=hover-card]');
    await card.waitFor({ timeout: 5000 });
    assert.match(await card.innerText(), /(disc|square|ring)\/\w+-\d+\.png/);
    await shot('04-explore-hover');

    await page.mouse.click(point.x, point.y);
    const inspector = page.locator('[data-test=inspector]');
    await inspector.locator('[data-test=inspector-image]').waitFor();
    await inspector.getByText('reconstruction').waitFor();
    await inspector.locator('img[alt=""]').first().waitFor(); // reconstruction and neighbours decoded
    assert.ok((await inspector.locator('.nb').count()) > 0, 'nearest neighbours are listed');
    await page.click('[data-test=use-a]');
    // The first neighbour becomes B: the inspector moves to it.
    await inspector.locator('.nb').first().click();
    await page.click('[data-test=use-b]');
    await shot('05-explore-selected');
  });

  await step('interpolates between two items by dragging the handle', async () => {
    await page.click('[data-tab=interpolate]');
    const strip = page.locator('[data-test=strip]');
    await see(strip.locator('img').nth(7), 30_000);
    assert.equal(await strip.locator('img').count(), 8);
    await page.locator('[data-test=decode-ms]').waitFor();
    const live = page.locator('.live img');
    const before = await live.getAttribute('src');
    await dragSlider(page.locator('[data-test=handle]'), 0.5, 0.02);
    await srcChanged('.live img', 0, before);
    await page.click('[data-test=lerp]');
    await strip.locator('img').nth(7).waitFor();
    await shot('06-interpolate');
  });

  await step('moves the attribute slider and sees the decoded image change', async () => {
    await page.click('[data-tab=attributes]');
    const vectors = page.locator('[data-test=vectors]');
    await see(vectors, 30_000);
    assert.match(await vectors.innerText(), /Big/);
    await vectors.getByText('Big', { exact: true }).click();
    const edited = page.locator('.pair img').nth(1);
    await edited.waitFor();
    const before = await edited.getAttribute('src');
    await dragSlider(page.locator('[data-test=strength]'), 0.5, 0.98);
    await srcChanged('.pair img', 1, before);
    await shot('07-attributes');
  });

  await step('opens the outliers ranked by score with the suggested threshold', async () => {
    await page.click('[data-tab=outliers]');
    await see(page.locator('[data-test=outlier]').first(), 30_000);
    assert.ok((await page.locator('[data-test=outlier]').count()) > 0, 'the ranked list is never empty');
    assert.match(await page.locator('[data-test=flagged-count]').innerText(), /\d+ of \d+ above it/);
    assert.equal(await page.locator('[data-test=cutoff-line]').count(), 1, 'the cut-off is drawn in the list');
    assert.equal(await page.locator('[data-test=histogram-cutoff]').count(), 1, 'and marked on the histogram');
    await see(page.locator('[data-test=data-issues] [data-test=quality-check]').first(), 30_000);
    // Each row shows the image beside its reconstruction.
    await page.locator('[data-test=outlier]').first().locator('img').nth(1).waitFor();
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-test=outlier] img')).every((img) => img.complete));
    await shot('08-outliers');
  });

  await step('exports the embeddings to CSV and the file parses', async () => {
    await page.click('[data-tab=export]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=export-embeddings]')]);
    const file = path.join(screenshotDir(), 'embeddings.csv');
    await download.saveAs(file);
    const rows = parse(fs.readFileSync(file), { columns: true, comment: '#' }) as Record<string, string>[];
    assert.equal(rows.length, total);
    for (const column of ['id', 'path', 'label', 'split', 'Big', 'z0', 'z3', 'x', 'y', 'z', 'recon_error']) assert.ok(column in rows[0], `CSV has ${column}`);
    assert.ok(rows.every((r) => Number.isFinite(Number(r.z0)) && Number.isFinite(Number(r.recon_error))));
    await shot('09-export');
  });

  await step('compares the run with PCA at the same latent size', async () => {
    await page.click('[data-tab=runs]');
    const table = page.locator('[data-test=runs-table]');
    await see(table);
    await table.getByRole('button', { name: 'Train PCA 4' }).click();
    await see(table.getByText(/beats PCA|worse than PCA/), 60_000);
    for (const box of await table.locator('input[type=checkbox]').all()) await box.check();
    await see(page.locator('.compare [data-test=chart] canvas').first());
    assert.match(await page.locator('.compare').innerText(), /vae #1/);
    await shot('10-runs-compare');
  });

  assert.equal(failed, null, `the journey stopped at "${failed}" (see test-results/browser/failed.png)`);
  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});
