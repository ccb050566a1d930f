import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { PixelCache, pixelCachePath } from '../../src-main/dataset/pixel-cache.ts';
import { listItems } from '../../src-main/dataset/queries.ts';
import { splitOf } from '../../src-main/dataset/split.ts';
import { cacheDirFor } from '../../src-main/paths.ts';
import { openStore } from '../../src-main/store/open.ts';
import { runCli } from '../helpers/cli.ts';
import { writeFashionMnistFolder } from '../helpers/images.ts';
import { tempDir } from '../helpers/tmp.ts';

test('a few hundred Fashion-MNIST images in class folders import with the right counts, labels, split and pixels', () => {
  const dir = tempDir();
  const folder = path.join(dir, 'fashion');
  const exported = writeFashionMnistFolder(folder, 300);
  const dbPath = path.join(dir, 'lab.db');

  const result = runCli(['--db', dbPath, 'import', folder, '--size', '28', '--json']);
  assert.equal(result.status, 0, result.stderr);
  const summary = JSON.parse(result.stdout);
  assert.equal(summary.datasetName, 'fashion');
  assert.deepEqual([summary.items, summary.added, summary.channels, summary.size, summary.skipped.length], [300, 300, 1, 28, 0]);
  assert.deepEqual(summary.labels, [...new Set(exported.map((e) => e.label))].sort());

  const db = openStore(dbPath);
  const items = listItems(db, summary.dataset);
  db.close();
  const byPath = new Map(items.map((item) => [item.path, item]));
  const cache = PixelCache.openReadOnly(pixelCachePath(cacheDirFor(dbPath), summary.dataset), { size: 28, channels: 1 });
  for (const image of exported) {
    const item = byPath.get(image.relPath);
    assert.ok(item, `${image.relPath} was imported`);
    assert.equal(item.label, image.label);
    assert.equal(item.split, splitOf(image.relPath, 0, 0.1));
    assert.deepEqual(cache.read([item.cacheIndex]), image.pixels, `${image.relPath}: pixels equal the IDX source`);
  }
  cache.close();
  const val = items.filter((item) => item.split === 'val').length;
  assert.ok(val >= 12 && val <= 50, `${val} of 300 in validation (about 10%)`);

  const again = runCli(['--db', dbPath, 'import', folder, '--json']);
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(
    (({ added, updated, unchanged }) => ({ added, updated, unchanged }))(JSON.parse(again.stdout)),
    { added: 0, updated: 0, unchanged: 300 },
  );
});
