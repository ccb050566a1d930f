import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { latestVersion } from '../../src-main/store/migrations.ts';
import { applicationId, openStore } from '../../src-main/store/open.ts';
import { tempDir } from '../helpers/tmp.ts';

const tables = ['datasets', 'items', 'runs', 'metrics', 'weights', 'embeddings', 'scores', 'projections'];

test('migrations create every table on an empty file, in WAL mode with foreign keys on', () => {
  const db = openStore(path.join(tempDir(), 'nested', 'a.db'));
  const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
  for (const table of tables) assert.ok(names.includes(table), `missing table ${table}`);
  assert.equal(db.pragma('user_version', { simple: true }), latestVersion);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  db.close();
});

test('our databases carry our application_id; an older Latent Lab database (id 0) gets it', () => {
  const file = path.join(tempDir(), 'old.db');
  const fresh = openStore(file);
  assert.equal(fresh.pragma('application_id', { simple: true }), applicationId);
  fresh.pragma('application_id = 0');
  fresh.prepare("INSERT INTO datasets (name, root, size, channels, fit) VALUES ('d', '/x', 28, 1, 'cover')").run();
  fresh.close();
  const reopened = openStore(file);
  assert.equal(reopened.pragma('application_id', { simple: true }), applicationId);
  assert.equal((reopened.prepare('SELECT count(*) AS n FROM datasets').get() as { n: number }).n, 1);
  reopened.close();
});

test("another program's SQLite file is refused with a message and left untouched", () => {
  const dir = tempDir();
  const unversioned = path.join(dir, 'notes.db');
  const raw = new Database(unversioned);
  raw.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')");
  raw.close();
  const otherApp = path.join(dir, 'other-app.db');
  const other = new Database(otherApp);
  other.pragma('application_id = 1234');
  other.pragma('user_version = 1');
  other.close();
  for (const file of [unversioned, otherApp]) {
    assert.throws(() => openStore(file), /another program, not Latent Lab's.*untouched/s, file);
    const check = new Database(file, { readonly: true });
    assert.equal(check.pragma('journal_mode', { simple: true }), 'delete', 'not switched to WAL');
    assert.ok(!(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).some((r) => r.name === 'datasets'), 'not migrated');
    check.close();
  }
  const text = path.join(dir, 'readme.txt');
  fs.writeFileSync(text, 'x'.repeat(4096));
  assert.throws(() => openStore(text), /is not a SQLite database/);
});

test('three processes opening one fresh database at once all succeed', async () => {
  const storeModule = path.resolve('src-main/store/open.ts');
  // Each child opens the store when told to; all are told at once, so their first opens race.
  const script = `
    const { openStore } = await import(${JSON.stringify(storeModule)});
    process.stdout.write('ready\\n');
    process.stdin.once('data', () => {
      try { openStore(process.argv[1]).close(); process.stdout.write('opened\\n'); }
      catch (error) { process.stdout.write('failed: ' + error.message + '\\n'); }
      process.exit(0);
    });
  `;
  for (let round = 0; round < 4; round++) {
    const file = path.join(tempDir(), 'race.db');
    const children = [0, 1, 2].map(() => spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, file], { stdio: ['pipe', 'pipe', 'inherit'] }));
    const outputs = children.map((child) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      return {
        ready: new Promise<void>((resolve) => child.stdout.on('data', () => out.includes('ready') && resolve())),
        exited: new Promise<string>((resolve) => child.on('exit', () => resolve(out))),
      };
    });
    await Promise.all(outputs.map((o) => o.ready));
    for (const child of children) child.stdin.write('go\n');
    const results = await Promise.all(outputs.map((o) => o.exited));
    for (const out of results) assert.match(out, /opened/, `round ${round}: ${out}`);
    const db = openStore(file);
    assert.equal(db.pragma('user_version', { simple: true }), latestVersion);
    db.close();
  }
});

test('opening twice is idempotent and keeps the data', () => {
  const file = path.join(tempDir(), 'b.db');
  const first = openStore(file);
  first.prepare("INSERT INTO datasets (name, root, size, channels, fit) VALUES ('d', '/x', 28, 1, 'cover')").run();
  first.close();
  const second = openStore(file);
  assert.equal((second.prepare('SELECT count(*) AS n FROM datasets').get() as { n: number }).n, 1);
  assert.equal(second.pragma('user_version', { simple: true }), latestVersion);
  second.close();
});

test('foreign keys cascade: deleting a dataset deletes its items', () => {
  const db = openStore(path.join(tempDir(), 'c.db'));
  const { lastInsertRowid } = db.prepare("INSERT INTO datasets (name, root, size, channels, fit) VALUES ('d', '/x', 28, 1, 'cover')").run();
  db.prepare("INSERT INTO items (dataset_id, path, split, hash, width, height, cache_index) VALUES (?, 'a.png', 'train', 'h', 1, 1, 0)").run(lastInsertRowid);
  db.prepare('DELETE FROM datasets').run();
  assert.equal((db.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n, 0);
  db.close();
});

test('a database from a newer schema is refused with a message and left untouched', () => {
  const file = path.join(tempDir(), 'future.db');
  const raw = new Database(file);
  raw.pragma(`user_version = ${latestVersion + 5}`);
  raw.exec('CREATE TABLE precious (x)');
  raw.close();
  assert.throws(() => openStore(file), /newer Latent Lab.*schema version \d+.*Upgrade Latent Lab/s);
  const check = new Database(file, { readonly: true });
  assert.equal(check.pragma('user_version', { simple: true }), latestVersion + 5);
  assert.equal(check.pragma('journal_mode', { simple: true }), 'delete');
  assert.deepEqual(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all(), [{ name: 'precious' }]);
  check.close();
});

test('a writer killed mid-transaction leaves a database that opens and passes integrity_check', async () => {
  const file = path.join(tempDir(), 'crash.db');
  openStore(file).close();
  const storeModule = path.resolve('src-main/store/open.ts');
  // The child commits 50 rows, then starts a big transaction and announces it; we kill it inside.
  const script = `
    const { openStore } = await import(${JSON.stringify(storeModule)});
    const db = openStore(${JSON.stringify(file)});
    const insert = db.prepare("INSERT INTO datasets (name, root, size, channels, fit) VALUES (?, ?, 28, 1, 'cover')");
    db.transaction(() => { for (let i = 0; i < 50; i++) insert.run('kept' + i, '/kept/' + i); })();
    db.exec('BEGIN');
    for (let i = 0; i < 20000; i++) insert.run('lost' + i, '/lost/' + i);
    process.stdout.write('inside\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('inside') && resolve());
    child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
  });
  child.kill('SIGKILL');
  await new Promise((resolve) => child.on('exit', resolve));

  const db = openStore(file);
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  const names = (db.prepare('SELECT name FROM datasets').all() as { name: string }[]).map((r) => r.name);
  assert.equal(names.length, 50);
  assert.ok(names.every((n) => n.startsWith('kept')));
  db.close();
});
