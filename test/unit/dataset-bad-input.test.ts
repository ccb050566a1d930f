import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { importFolder, type ImportSummary } from '../../src-main/dataset/import.ts';
import { listItems } from '../../src-main/dataset/queries.ts';
import { openStore } from '../../src-main/store/open.ts';
import { writeImage, writePngClaiming, writeTruncatedJpeg } from '../helpers/images.ts';
import { tempDir } from '../helpers/tmp.ts';

const runningAsRoot = process.getuid?.() === 0;
const dir = tempDir();
const root = path.join(dir, 'images');
const dbPath = path.join(dir, 'lab.db');
let summary: ImportSummary;

function reasonFor(relPath: string): string {
  const entry = summary.skipped.find((s) => s.path === relPath);
  assert.ok(entry, `${relPath} is listed as skipped; skipped: ${JSON.stringify(summary.skipped)}`);
  return entry.reason;
}

before(async () => {
  for (let i = 0; i < 4; i++) await writeImage(path.join(root, 'good', `${i}.png`), { seed: i });
  fs.mkdirSync(path.join(root, 'bad'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bad', 'empty.png'), '');
  await writeTruncatedJpeg(path.join(root, 'bad', 'truncated.jpg'));
  fs.writeFileSync(path.join(root, 'bad', 'notes.png'), 'this is a text file, not a picture\n');
  writePngClaiming(path.join(root, 'bad', 'huge.png'), 20_000, 20_000);
  if (runningAsRoot) {
    // chmod does not stop root from reading, so unreadable files are made another way
    fs.symlinkSync(path.join(root, 'does-not-exist.png'), path.join(root, 'bad', 'dangling.png'));
    execFileSync('mkfifo', [path.join(root, 'bad', 'pipe.png')]);
  } else {
    await writeImage(path.join(root, 'bad', 'locked.png'), { seed: 9 });
    fs.chmodSync(path.join(root, 'bad', 'locked.png'), 0);
  }
  fs.symlinkSync('self.png', path.join(root, 'bad', 'self.png'));
  fs.symlinkSync('..', path.join(root, 'bad', 'loop'));
  await writeImage(path.join(root, 'names', '子猫.png'), { seed: 20 });
  const latin1Name = Buffer.concat([Buffer.from(path.join(root, 'names') + path.sep), Buffer.from([0x63, 0x61, 0x66, 0xe9]), Buffer.from('.png')]);
  fs.copyFileSync(path.join(root, 'good', '0.png'), latin1Name);
  fs.copyFileSync(path.join(root, 'good', '1.png'), path.join(root, 'good', '1-copy.png'));
  fs.writeFileSync(path.join(root, 'attributes.csv'), 'path,Smiling\ngood/0.png,1\ngood/1.png,maybe\ngood/2.png,1,0\ngood/3.png,-1\nnowhere.png,1\n');
  summary = await importFolder({ dbPath, folder: root, size: 16 });
});

test('the import finishes and keeps every good image despite the bad ones', () => {
  // 5 in good/ (one a copy), 2 in names/
  assert.equal(summary.items, 7);
  assert.deepEqual(summary.labels, ['good', 'names']);
});

test('a zero-byte file is skipped as empty', () => {
  assert.match(reasonFor('bad/empty.png'), /empty file/);
});

test('a truncated JPEG is skipped as truncated or damaged', () => {
  assert.match(reasonFor('bad/truncated.jpg'), /truncated or damaged/);
});

test('a text file named .png is skipped as not an image', () => {
  assert.match(reasonFor('bad/notes.png'), /not an image/);
});

test("an image over sharp's pixel limit is skipped as too large", () => {
  assert.match(reasonFor('bad/huge.png'), /too large/);
});

test('an unreadable file is skipped with the reason', () => {
  if (runningAsRoot) {
    assert.match(reasonFor('bad/dangling.png'), /broken link/);
    assert.match(reasonFor('bad/pipe.png'), /not a regular file/);
  } else {
    assert.match(reasonFor('bad/locked.png'), /permission denied/);
  }
});

test('symbolic link loops end: a self link is skipped and a link to an ancestor is not followed', () => {
  assert.match(reasonFor('bad/self.png'), /symbolic link loop/);
  assert.match(reasonFor('bad/loop'), /link loop/);
});

test('non-Latin and non-UTF-8 file names are imported; undecodable bytes are kept as %XX', async () => {
  const db = openStore(dbPath);
  const paths = listItems(db, summary.dataset).map((item) => item.path);
  db.close();
  assert.ok(paths.includes('names/子猫.png'));
  assert.ok(paths.includes('names/caf%E9.png'));
  const again = await importFolder({ dbPath, folder: root });
  assert.equal(again.added, 0, 'names map to the same items on a re-import');
  assert.equal(again.unchanged, 7);
});

test('duplicate content under two names: both are imported and the pair is reported', () => {
  assert.ok(summary.duplicates.some((d) => [d.path, d.sameAs].sort().join() === 'good/0.png,names/caf%E9.png'));
  assert.ok(summary.duplicates.some((d) => d.path === 'good/1.png' && d.sameAs === 'good/1-copy.png'));
});

test('malformed attribute rows are reported by line and the rest of the file is used', () => {
  assert.match(reasonFor('attributes.csv line 3'), /"maybe" for Smiling is not binary/);
  assert.match(reasonFor('attributes.csv line 4'), /2 attribute values, the header names 1/);
  assert.deepEqual(summary.attributes, ['Smiling']);
  assert.deepEqual(summary.attributeMatch && { unmatched: summary.attributeMatch.unmatchedRows }, { unmatched: 1 });
  const db = openStore(dbPath);
  const items = new Map(listItems(db, summary.dataset).map((item) => [item.path, item.attributes]));
  db.close();
  assert.deepEqual(items.get('good/0.png'), { Smiling: 1 });
  assert.deepEqual(items.get('good/3.png'), { Smiling: 0 });
  assert.equal(items.get('good/1.png'), null);
});

test('an empty folder is refused with a message that says so', async () => {
  const empty = path.join(dir, 'empty');
  fs.mkdirSync(empty);
  fs.writeFileSync(path.join(empty, 'readme.txt'), 'no images here');
  await assert.rejects(importFolder({ dbPath, folder: empty }), (e: Error) => e.name === 'UserError' && /contains no images/.test(e.message));
});

test('a folder that does not exist is refused with a message naming it', async () => {
  await assert.rejects(importFolder({ dbPath, folder: path.join(dir, 'nope') }), (e: Error) => e.name === 'UserError' && /nope does not exist/.test(e.message));
});
