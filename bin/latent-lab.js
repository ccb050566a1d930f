#!/usr/bin/env node
// Runs the compiled CLI (out/cli, built by `npm install` or `npm run build:cli`) when it is newer than every
// source file, so a command starts in a fraction of a second; otherwise (a checkout being edited, or no build
// yet) runs the TypeScript directly through tsx.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestSource(file) : fs.statSync(file).mtimeMs);
  }
  return newest;
}

function compiledIsCurrent() {
  try {
    return fs.statSync(`${root}out/cli/built`).mtimeMs > Math.max(newestSource(`${root}src-main`), fs.statSync(`${root}package.json`).mtimeMs);
  } catch {
    return false;
  }
}

// Output piped into `head` and the like: a closed pipe ends the command quietly, as other Unix tools do.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

let main;
if (compiledIsCurrent()) {
  ({ main } = await import('../out/cli/latent-lab.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src-main/cli/main.ts'));
}
process.exitCode = await main(process.argv);
