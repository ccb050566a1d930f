import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { methodNames } from '../../src-main/api/method-names.ts';
import { repoRoot } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const requires = (code: string) => new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));

test('build:electron bundles main, a self-contained sandboxed preload, the trainer and the import worker', () => {
  const out = tempDir();
  const built = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/build-electron.js')], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, LATENT_LAB_ELECTRON_OUT: out },
  });
  assert.equal(built.status, 0, built.stderr);
  for (const file of ['main.cjs', 'preload.cjs', 'trainer.cjs', 'job-worker.js']) assert.ok(fs.existsSync(path.join(out, file)), file);

  const preload = fs.readFileSync(path.join(out, 'preload.cjs'), 'utf8');
  assert.deepEqual([...requires(preload)], ['electron'], 'a sandboxed preload can require nothing but electron');
  for (const method of methodNames) assert.ok(preload.includes(`"${method}"`), `preload knows ${method}`);

  const main = fs.readFileSync(path.join(out, 'main.cjs'), 'utf8');
  assert.ok(requires(main).has('electron'));
  assert.ok(!requires(main).has('tsx'), 'the app runs without the TypeScript loader');
});
