import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

test('--help lists every command with one line each', () => {
  const result = runCli(['--help']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /Usage: latent-lab/);
  const commands = result.stdout.split('Commands:')[1];
  assert.ok(commands, 'help has a Commands section');
  const lines = commands.split('\n').filter((line) => line.trim());
  for (const name of ['import', 'demo', 'train', 'runs', 'project', 'export', 'serve', 'info']) {
    assert.ok(lines.some((line) => new RegExp(`^  ${name}\\b.*\\S\\s{2,}\\S`).test(line)), `${name} listed with a description`);
  }
  assert.ok(lines.every((line) => /^ {2}[a-z]/.test(line)), `every line names a command:\n${commands}`);
});

test('--version prints the package version', () => {
  const result = runCli(['--version']);
  assert.equal(result.status, 0);
  assert.match(result.stdout.trim(), /^\d+\.\d+\.\d+$/);
});

test('an unknown command is named in the error and exits non-zero', () => {
  const result = runCli(['frobnicate']);
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /unknown command 'frobnicate'/);
});

test('an unknown flag is named in the error and exits non-zero', () => {
  const result = runCli(['info', '--frobnicate']);
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /unknown option '--frobnicate'/);
});

test('--db and LATENT_LAB_DB choose the database file, the flag winning', () => {
  const dir = tempDir();
  const fromEnv = runCli(['info', '--json'], { LATENT_LAB_DB: path.join(dir, 'env.db') });
  assert.equal(fromEnv.status, 0, fromEnv.stderr);
  assert.equal(JSON.parse(fromEnv.stdout).db, path.join(dir, 'env.db'));
  const fromFlag = runCli(['--db', path.join(dir, 'flag.db'), 'info', '--json'], { LATENT_LAB_DB: path.join(dir, 'env.db') });
  assert.equal(JSON.parse(fromFlag.stdout).db, path.join(dir, 'flag.db'));
});
