import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { DEMO_ATTRIBUTES } from '../../src-main/dataset/demo.ts';
import { repoRoot, runCli } from '../helpers/cli.ts';
import { writeFashionMnistFolder, writeImage } from '../helpers/images.ts';
import { tempDir } from '../helpers/tmp.ts';

test('demo draws a labelled sample with attributes beside the database and imports it; datasets lists it', () => {
  const dir = tempDir();
  const dbPath = path.join(dir, 'lab.db');
  const result = runCli(['--db', dbPath, 'demo', '--count', '30', '--json']);
  assert.equal(result.status, 0, result.stderr);
  const summary = JSON.parse(result.stdout);
  assert.equal(summary.folder, path.join(dir, 'lab-cache', 'demo-faces'));
  assert.deepEqual([summary.items, summary.channels, summary.size], [30, 3, 64]);
  assert.deepEqual(summary.labels, ['cat', 'person', 'robot']);
  assert.deepEqual(summary.attributes, [...DEMO_ATTRIBUTES]);
  assert.equal(summary.attributeMatch.imagesWithoutRow, 0);
  assert.ok(fs.existsSync(path.join(summary.folder, '.factors.csv')));
  assert.deepEqual(summary.skipped, [], 'the demo folder holds nothing the import would list as skipped');

  const list = runCli(['--db', dbPath, 'datasets', '--json']);
  assert.equal(list.status, 0, list.stderr);
  const [dataset] = JSON.parse(list.stdout);
  assert.deepEqual([dataset.name, dataset.items, dataset.size], ['demo-faces', 30, 64]);
  const text = runCli(['--db', dbPath, 'datasets']);
  assert.match(text.stdout, /^id +name +images +missing +stored/, 'the table has a header row');
  assert.match(text.stdout, /\n *1 +demo-faces +30 +- +64x64x3 /);
});

test('import prints a readable summary with the skipped files and their reasons', async () => {
  const dir = tempDir();
  const folder = path.join(dir, 'pics');
  await writeImage(path.join(folder, 'ok.png'));
  fs.writeFileSync(path.join(folder, 'broken.jpg'), 'nope');
  const result = runCli(['--db', path.join(dir, 'lab.db'), 'import', folder, '--name', 'holiday']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /dataset {5}holiday/);
  assert.match(result.stdout, /items {7}1 \(1 added/);
  assert.match(result.stdout, /broken\.jpg: not an image/);
});

test('bad arguments exit 1 with a message and no stack trace', () => {
  const dir = tempDir();
  const missing = runCli(['--db', path.join(dir, 'lab.db'), 'import', path.join(dir, 'nowhere')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^error: The folder .*nowhere does not exist\.\n$/);
  const size = runCli(['--db', path.join(dir, 'lab.db'), 'import', dir, '--size', 'big']);
  assert.equal(size.status, 1);
  assert.match(size.stderr, /--size must be a whole number/);
  const channels = runCli(['--db', path.join(dir, 'lab.db'), 'import', dir, '--channels', '2']);
  assert.notEqual(channels.status, 0);
  assert.match(channels.stderr, /Allowed choices are 1, 3, auto/);
});

test('Ctrl-C stops an import cleanly; the next import finishes the rest', async () => {
  const dir = tempDir();
  const folder = path.join(dir, 'fashion');
  writeFashionMnistFolder(folder, 4000);
  const dbPath = path.join(dir, 'lab.db');
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/latent-lab.js'), '--db', dbPath, 'import', folder, '--size', '28'], { cwd: repoRoot });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const savedRows = () => {
    if (!fs.existsSync(dbPath)) return 0;
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'items'").get() as { n: number }).n
        ? (db.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n
        : 0;
    } finally {
      db.close();
    }
  };
  while (child.exitCode === null && savedRows() === 0) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGINT');
  const code = await exited;
  assert.equal(code, 130, `exit code after Ctrl-C (stderr: ${stderr})`);
  assert.match(stderr, /Import interrupted: \d+ new or changed image\(s\) were saved/);
  const saved = savedRows();
  assert.ok(saved > 0 && saved < 4000, `${saved} rows saved before the stop`);

  const rest = runCli(['--db', dbPath, 'import', folder, '--json']);
  assert.equal(rest.status, 0, rest.stderr);
  const summary = JSON.parse(rest.stdout);
  assert.deepEqual([summary.items, summary.added, summary.unchanged], [4000, 4000 - saved, saved]);
});
