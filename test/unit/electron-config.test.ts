import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import config from '../../electron.config.ts';
import { repoRoot } from '../helpers/cli.ts';

const require = createRequire(import.meta.url);

test('electron-builder accepts the packaging configuration (its own schema check)', async () => {
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as { validateConfiguration(c: unknown, logger: unknown): Promise<void> };
  const { DebugLogger } = require('builder-util/out/DebugLogger.js') as { DebugLogger: new (enabled: boolean) => unknown };
  await validateConfiguration(config, new DebugLogger(false));
});

test('packaging: the four installers, native modules outside asar, security fuses, icons that exist', () => {
  assert.deepEqual(config.linux?.target, ['AppImage', 'deb']);
  assert.deepEqual(config.mac?.target, ['dmg']);
  assert.deepEqual(config.win?.target, ['nsis']);
  const unpacked = [config.asarUnpack].flat().join(' ');
  for (const native of ['better-sqlite3', 'sharp']) assert.match(unpacked, new RegExp(native));
  assert.equal(config.electronFuses?.runAsNode, false);
  assert.equal(config.electronFuses?.enableNodeOptionsEnvironmentVariable, false);
  assert.equal(config.electronFuses?.enableNodeCliInspectArguments, false);
  assert.equal(config.electronFuses?.onlyLoadAppFromAsar, true);
  assert.equal(config.electronFuses?.enableEmbeddedAsarIntegrityValidation, true);
  assert.equal(config.electronFuses?.grantFileProtocolExtraPrivileges, false);
  const packageJson = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { main: string };
  assert.equal(config.extraMetadata?.main, packageJson.main);
  for (const icon of [config.linux?.icon, config.mac?.icon, config.win?.icon]) assert.ok(fs.existsSync(path.join(repoRoot, String(icon))), String(icon));
});
