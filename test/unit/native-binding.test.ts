import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { installedElectron, prepareElectronSqlite, type RunScript } from '../../scripts/electron-sqlite.ts';
import { appSqliteBinding, devSqliteBinding, packagedSqliteBinding } from '../../src-main/electron/sqlite-binding.ts';
import { openStore, sqliteBindingOf, sqliteBindingVariable, StoreError } from '../../src-main/store/open.ts';
import { repoRoot } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const require = createRequire(import.meta.url);
const target = { version: '38.1.2', platform: process.platform, arch: 'x64' };
const nodeBuild = path.join(repoRoot, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');

/** A checkout with a stand-in better-sqlite3 package whose own build is Node's. */
function fakeCheckout(): string {
  const root = tempDir();
  const pkg = path.join(root, 'node_modules', 'better-sqlite3');
  fs.mkdirSync(path.join(pkg, 'build', 'Release'), { recursive: true });
  fs.writeFileSync(path.join(pkg, 'package.json'), '{"name":"better-sqlite3","version":"12.4.1"}');
  fs.writeFileSync(path.join(pkg, 'binding.gyp'), '{}');
  fs.writeFileSync(path.join(pkg, 'build', 'Release', 'better_sqlite3.node'), 'node build');
  return root;
}

interface Call {
  tool: string;
  args: string[];
  cwd: string;
  files: string[];
}

/** Plays prebuild-install and node-gyp: each named tool "succeeds" by writing the Electron build where better-sqlite3's install would. */
function fakeTools(succeeding: string[], calls: Call[]): RunScript {
  return (script, args, cwd) => {
    const tool = script.includes('prebuild-install') ? 'prebuild-install' : 'node-gyp';
    calls.push({ tool, args, cwd, files: fs.readdirSync(cwd).sort() });
    if (!succeeding.includes(tool)) return false;
    fs.mkdirSync(path.join(cwd, 'build', 'Release'), { recursive: true });
    fs.writeFileSync(path.join(cwd, 'build', 'Release', 'better_sqlite3.node'), `electron build by ${tool}`);
    return true;
  };
}

test('each Electron version, platform and arch gets a folder of its own under out/native; an installed app looks in its resources', () => {
  assert.equal(devSqliteBinding('/repo', { version: '38.1.2', platform: 'linux', arch: 'x64' }), path.join('/repo', 'out', 'native', 'electron-38.1.2-linux-x64', 'better_sqlite3.node'));
  assert.equal(appSqliteBinding({ isPackaged: true, appRoot: '/repo', resourcesPath: '/opt/Latent Lab/resources' }), path.join('/opt/Latent Lab/resources', 'native', 'better_sqlite3.node'));
  assert.equal(packagedSqliteBinding, path.join('native', 'better_sqlite3.node'));
  const dev = appSqliteBinding({ isPackaged: false, appRoot: '/repo', resourcesPath: '/unused' });
  assert.equal(path.dirname(path.dirname(dev)), path.join('/repo', 'out', 'native'));
  assert.match(path.basename(path.dirname(dev)), new RegExp(`-${process.platform}-${process.arch}$`));
});

test("Electron's version is the one npm installed", () => {
  const { version } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string };
  assert.deepEqual(installedElectron(repoRoot), { version, platform: process.platform, arch: process.arch });
  assert.deepEqual(installedElectron(repoRoot, 'win32', 'arm64'), { version, platform: 'win32', arch: 'arm64' });
});

test('the first start downloads a prebuilt Electron build in a scratch copy of the package and keeps only the .node file', () => {
  const root = fakeCheckout();
  const calls: Call[] = [];
  const { file, built } = prepareElectronSqlite(root, target, fakeTools(['prebuild-install'], calls));
  assert.equal(built, true);
  assert.equal(file, devSqliteBinding(root, target));
  assert.equal(fs.readFileSync(file, 'utf8'), 'electron build by prebuild-install');
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ['better_sqlite3.node'], 'only the binding is kept');
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0].args, ['--runtime', 'electron', '--target', '38.1.2', '--platform', process.platform, '--arch', 'x64']);
  assert.deepEqual(calls[0].files, ['binding.gyp', 'package.json'], "the copy leaves the Node build behind, so the install can't mistake it for its own");
  assert.ok(!fs.existsSync(calls[0].cwd), 'the scratch folder is removed');
  assert.equal(fs.readFileSync(path.join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), 'utf8'), 'node build', "the CLI's build is untouched");

  const again = prepareElectronSqlite(root, target, fakeTools([], calls));
  assert.deepEqual(again, { file, built: false });
  assert.equal(calls.length, 1, 'nothing runs once the build exists');
});

test('a symlinked package (pnpm, npm link) is copied for real, so the build never lands in node_modules', () => {
  const root = fakeCheckout();
  const store = path.join(root, 'store', 'better-sqlite3');
  fs.mkdirSync(path.dirname(store));
  fs.renameSync(path.join(root, 'node_modules', 'better-sqlite3'), store);
  fs.symlinkSync(store, path.join(root, 'node_modules', 'better-sqlite3'), 'dir');
  const calls: Call[] = [];
  prepareElectronSqlite(root, target, fakeTools(['prebuild-install'], calls));
  assert.deepEqual(calls[0].files, ['binding.gyp', 'package.json']);
  assert.equal(fs.readFileSync(path.join(store, 'build', 'Release', 'better_sqlite3.node'), 'utf8'), 'node build', "the CLI's build is untouched");
});

test('without a prebuilt binary it compiles against Electron headers with node-gyp', () => {
  const root = fakeCheckout();
  const calls: Call[] = [];
  const { file } = prepareElectronSqlite(root, target, fakeTools(['node-gyp'], calls));
  assert.deepEqual(
    calls.map((call) => call.tool),
    ['prebuild-install', 'node-gyp'],
  );
  assert.deepEqual(calls[1].args, ['rebuild', '--release', '--target=38.1.2', '--arch=x64', '--dist-url=https://electronjs.org/headers']);
  assert.equal(fs.readFileSync(file, 'utf8'), 'electron build by node-gyp');
});

test('when neither works, the error says what to install and that the CLI is unaffected, and nothing half-built is left', () => {
  const root = fakeCheckout();
  const calls: Call[] = [];
  assert.throws(
    () => prepareElectronSqlite(root, target, fakeTools([], calls)),
    (error: Error) => /Electron 38\.1\.2/.test(error.message) && /Python 3 and a C\+\+ toolchain/.test(error.message) && /npx latent-lab/.test(error.message),
  );
  assert.ok(!fs.existsSync(path.dirname(devSqliteBinding(root, target))));
  assert.ok(!fs.existsSync(calls[0].cwd));
  // A tool that claims success without producing the file is a failure too.
  assert.throws(() => prepareElectronSqlite(root, target, () => true), /Could not get better-sqlite3/);
});

test('for another platform only a prebuilt binary can do, and the error says to package on that platform', () => {
  const root = fakeCheckout();
  const calls: Call[] = [];
  const other = { ...target, platform: process.platform === 'win32' ? 'linux' : 'win32' };
  assert.throws(() => prepareElectronSqlite(root, other, fakeTools(['node-gyp'], calls)), new RegExp(`package on a ${other.platform} machine`));
  assert.deepEqual(
    calls.map((call) => call.tool),
    ['prebuild-install'],
  );
});

test('openStore loads the better_sqlite3.node it is given (here a copy of the Node build, elsewhere)', () => {
  const dir = tempDir();
  const binding = path.join(dir, 'native', 'better_sqlite3.node');
  fs.mkdirSync(path.dirname(binding));
  fs.copyFileSync(nodeBuild, binding);
  const db = openStore(path.join(dir, 'a.db'), binding);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  db.close();
  assert.ok(require.cache[binding], 'the copy is the addon that was loaded');

  assert.throws(() => openStore(path.join(dir, 'b.db'), path.join(dir, 'missing.node')), (error: Error) => error instanceof StoreError && /npm start/.test(error.message));
  const broken = path.join(dir, 'broken.node');
  fs.writeFileSync(broken, 'not a shared library');
  assert.throws(() => openStore(path.join(dir, 'c.db'), broken));
});

test("only inside Electron does the store take the binding named in the environment; the CLI keeps node_modules' build", () => {
  assert.equal(sqliteBindingOf({ [sqliteBindingVariable]: '/x.node' }, { node: '20.0.0' } as NodeJS.ProcessVersions), undefined);
  assert.equal(sqliteBindingOf({ [sqliteBindingVariable]: '/x.node' }, { electron: '38.1.2' } as NodeJS.ProcessVersions), '/x.node');
  assert.equal(sqliteBindingOf({}, { electron: '38.1.2' } as NodeJS.ProcessVersions), undefined);

  const dir = tempDir();
  const binding = path.join(dir, 'electron-build.node');
  fs.copyFileSync(nodeBuild, binding);
  const versions = process.versions as { electron?: string };
  process.env[sqliteBindingVariable] = binding;
  try {
    openStore(path.join(dir, 'node.db')).close();
    assert.equal(require.cache[binding], undefined, 'plain Node ignores the variable');
    versions.electron = '38.1.2';
    openStore(path.join(dir, 'electron.db')).close();
    assert.ok(require.cache[binding], 'inside Electron the named build is loaded');
  } finally {
    delete versions.electron;
    delete process.env[sqliteBindingVariable];
  }
});
