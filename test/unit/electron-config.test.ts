import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { Arch, type FileSet } from 'electron-builder';
import config from '../../electron.config.ts';
import { devSqliteBinding, packagedSqliteBinding } from '../../src-main/electron/sqlite-binding.ts';
import { repoRoot } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

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
  assert.match(unpacked, /sharp/);
  assert.match(unpacked, /latent-lab-blas/, 'the OpenBLAS kernels load from outside the archive');
  assert.equal(config.electronFuses?.runAsNode, false);
  assert.equal(config.electronFuses?.enableNodeOptionsEnvironmentVariable, false);
  assert.equal(config.electronFuses?.enableNodeCliInspectArguments, false);
  assert.equal(config.electronFuses?.onlyLoadAppFromAsar, true);
  assert.equal(config.electronFuses?.enableEmbeddedAsarIntegrityValidation, true);
  assert.equal(config.electronFuses?.grantFileProtocolExtraPrivileges, false);
  // Every fuse the packager can flip is decided here, none left to Electron's default by oversight.
  const { FuseV1Options } = require('@electron/fuses') as { FuseV1Options: Record<string, string | number> };
  const settable = Object.keys(FuseV1Options).filter((name) => Number.isNaN(Number(name)));
  assert.deepEqual(Object.keys(config.electronFuses ?? {}).sort(), settable.map((name) => name[0].toLowerCase() + name.slice(1)).sort());
  const packageJson = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { main: string };
  assert.equal(config.extraMetadata?.main, packageJson.main);
  for (const icon of [config.linux?.icon, config.mac?.icon, config.win?.icon]) assert.ok(fs.existsSync(path.join(repoRoot, String(icon))), String(icon));
});

test("packaging leaves node_modules as the CLI needs it and ships better-sqlite3's Electron build in resources", async () => {
  assert.equal(config.npmRebuild, false, 'no rebuild in place: the CLI runs on Node');
  assert.ok([config.files].flat().includes('!**/node_modules/better-sqlite3/build/**'), "the Node build is not shipped");
  const [resource] = [config.extraResources].flat() as FileSet[];
  assert.equal(resource.to, packagedSqliteBinding, 'where the packaged app looks for it');

  // beforePack stages the build for the arch being packaged (here one already built, so nothing is downloaded).
  const root = tempDir();
  const electronVersion = '45.6.1';
  fs.mkdirSync(path.join(root, 'node_modules', 'electron'), { recursive: true });
  fs.writeFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), JSON.stringify({ version: electronVersion }));
  const built = devSqliteBinding(root, { version: electronVersion, platform: 'linux', arch: 'arm64' });
  fs.mkdirSync(path.dirname(built), { recursive: true });
  fs.writeFileSync(built, 'electron build for linux-arm64');
  const beforePack = config.beforePack as (context: unknown) => Promise<void> | void;
  await beforePack({ packager: { projectDir: root }, electronPlatformName: 'linux', arch: Arch.arm64 });
  const staged = path.join(root, String(resource.from).replace('${arch}', 'arm64'));
  assert.equal(fs.readFileSync(staged, 'utf8'), 'electron build for linux-arm64');
});
