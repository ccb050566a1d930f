#!/usr/bin/env node
// `npm start`: opens the Electron app where Electron's binary is installed,
// and otherwise explains what to do instead of failing with a stack trace.
// better-sqlite3 gets its own Electron build in out/native/ the first time (node_modules keeps Node's, for the CLI).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const require = createRequire(import.meta.url);
let electronBinary;
try {
  electronBinary = require('electron');
} catch {
  electronBinary = undefined;
}
if (typeof electronBinary !== 'string') {
  console.error(
    'Electron is not installed on this machine (its binary is downloaded by `npm install` on a connected machine).\n' +
      'Use the browser mode instead:  npx latent-lab serve --open',
  );
  process.exit(1);
}

register();
const { installedElectron, prepareElectronSqlite } = await import('../scripts/electron-sqlite.ts');
const root = fileURLToPath(new URL('..', import.meta.url));
try {
  prepareElectronSqlite(root, installedElectron(root));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
for (const script of ['build', 'build:electron']) {
  const built = spawnSync('npm', ['run', script], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
const result = spawnSync(electronBinary, ['.'], { stdio: 'inherit' });
process.exit(result.status ?? 0);
