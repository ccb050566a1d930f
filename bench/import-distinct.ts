/**
 * Do distinct images stay distinct after import? Imports a real folder (by
 * default Debian's Adwaita icon theme: PNG and SVG icons, most with
 * transparency, the "symbolic" ones black glyphs on it) and reports the
 * largest group of items whose stored pixel arrays are identical, next to
 * the same import with transparency flattened onto black (what imports did
 * before issue 13), in one run.
 *
 *   node --import tsx bench/import-distinct.ts [--folder /usr/share/icons/Adwaita] [--size 32] [--keep DIR]
 *
 * Target (issue 13): the largest identical group is a small fraction of the items.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { importFolder } from '../src-main/dataset/import.ts';
import { PixelCache, pixelCachePath } from '../src-main/dataset/pixel-cache.ts';
import { cacheDirFor } from '../src-main/paths.ts';
import { openStore } from '../src-main/store/open.ts';

const { values } = parseArgs({
  options: { folder: { type: 'string', default: '/usr/share/icons/Adwaita' }, size: { type: 'string', default: '32' }, keep: { type: 'string' } },
});
const size = Number(values.size);
const work = values.keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'latent-lab-distinct-'));

async function measure(background: string) {
  const dbPath = path.join(work, `${background.replace('#', '')}.db`);
  const summary = await importFolder({ dbPath, folder: values.folder!, size, background });
  const db = openStore(dbPath);
  const rows = db.prepare("SELECT path, cache_index FROM items WHERE dataset_id = ? AND status = 'ok'").all(summary.dataset) as { path: string; cache_index: number }[];
  db.close();
  const cache = PixelCache.openReadOnly(pixelCachePath(cacheDirFor(dbPath), summary.dataset), { size, channels: summary.channels });
  const groups = new Map<string, string[]>();
  for (const row of rows) {
    const key = crypto.createHash('sha1').update(cache.read([row.cache_index])).digest('hex');
    groups.set(key, [...(groups.get(key) ?? []), row.path]);
  }
  cache.close();
  const largest = [...groups.values()].reduce((a, b) => (b.length > a.length ? b : a));
  return { summary, dbPath, items: rows.length, distinct: groups.size, largest };
}

console.log(`${values.folder} at ${size}x${size}; databases in ${work}\n`);
console.log('background          items  distinct arrays  largest identical group  transparent  skipped');
for (const background of ['#000000', 'white']) {
  const { summary, items, distinct, largest, dbPath } = await measure(background);
  const label = background === '#000000' ? 'black (before #13)' : 'white (default)';
  console.log(
    `${label.padEnd(18)}  ${String(items).padStart(5)}  ${String(distinct).padStart(15)}  ${`${largest.length} (${((100 * largest.length) / items).toFixed(2)}%)`.padStart(23)}  ${String(summary.changes.transparent).padStart(11)}  ${String(summary.skipped.length).padStart(7)}`,
  );
  console.log(`${''.padEnd(20)}largest group e.g. ${largest.slice(0, 3).join(', ')}; atlas: ${path.join(cacheDirFor(dbPath), 'atlas', `dataset-${summary.dataset}-32px-page-0.webp`)}`);
}
if (!values.keep) console.log(`\n(remove ${work} when done looking)`);
