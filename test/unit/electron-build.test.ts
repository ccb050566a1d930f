import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { methodNames } from '../../src-main/contract/method-names.ts';
import { repoRoot } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const requires = (code: string) => new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
const out = tempDir();

before(() => {
  const built = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/build-electron.js')], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, LATENT_LAB_ELECTRON_OUT: out },
  });
  assert.equal(built.status, 0, built.stderr);
});

test('build:electron bundles main, a self-contained sandboxed preload, the trainer, the import worker and the UMAP worker', () => {
  for (const file of ['main.cjs', 'preload.cjs', 'trainer.cjs', 'job-worker.js', 'umap-worker.js', 'duplicates-worker.js']) assert.ok(fs.existsSync(path.join(out, file)), file);

  const preload = fs.readFileSync(path.join(out, 'preload.cjs'), 'utf8');
  assert.deepEqual([...requires(preload)], ['electron'], 'a sandboxed preload can require nothing but electron');
  for (const method of methodNames) assert.ok(preload.includes(`"${method}"`), `preload knows ${method}`);

  const main = fs.readFileSync(path.join(out, 'main.cjs'), 'utf8');
  assert.ok(requires(main).has('electron'));
  assert.ok(!requires(main).has('tsx'), 'the app runs without the TypeScript loader');
});

test('the bundled main process loads every module it needs (electron itself stood in for)', () => {
  // Resolves require('electron') to a minimal app whose ready never comes, so only loading is exercised.
  const hook = path.join(out, 'fake-electron.cjs');
  fs.writeFileSync(
    hook,
    `const Module = require('node:module');
     const resolve = Module._resolveFilename;
     Module._resolveFilename = function (request, ...rest) { return request === 'electron' ? __filename : resolve.call(this, request, ...rest); };
     module.exports = {
       app: { requestSingleInstanceLock: () => true, enableSandbox() {}, on() {}, whenReady: () => new Promise(() => {}) },
       protocol: { registerSchemesAsPrivileged(schemes) { console.log('scheme', schemes[0].scheme); } },
     };`,
  );
  // Built outside the checkout, so its packages are found through NODE_PATH.
  const env = { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules') };
  const loaded = spawnSync(process.execPath, ['--require', hook, path.join(out, 'main.cjs')], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000, env });
  assert.equal(loaded.status, 0, loaded.stderr);
  assert.match(loaded.stdout, /scheme latent/);
});
