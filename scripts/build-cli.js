#!/usr/bin/env node
// `npm run build:cli` (also run by `npm install` through `prepare`): compiles the command line into out/cli
// with esbuild, so `latent-lab` starts without compiling TypeScript. Everything lands flat in one folder, as
// out/electron does: the trainer process and the worker threads sit beside the chunks that start them
// (engine/launcher.ts and worker-thread.ts look for NAME.js beside themselves). Heavy modules that a command
// imports lazily become their own chunks, loaded only when that command runs.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'out/cli');
fs.rmSync(outDir, { recursive: true, force: true });
await build({
  entryPoints: {
    'latent-lab': 'src-main/cli/main.ts',
    'trainer-process': 'src-main/engine/trainer-process.ts',
    'job-worker': 'src-main/dataset/job-worker.ts',
    'umap-worker': 'src-main/latent/umap-worker.ts',
    'duplicates-worker': 'src-main/latent/duplicates-worker.ts',
  },
  absWorkingDir: root,
  outdir: outDir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunk-[hash]',
  sourcemap: 'linked',
  logLevel: 'warning',
  // import.meta.resolve appears only on the source-checkout path of worker-thread.ts.
  logOverride: { 'empty-import-meta': 'silent' },
});
// Written last: bin/latent-lab.js runs the compiled CLI only when this stamp is newer than every source file.
fs.writeFileSync(path.join(outDir, 'built'), new Date().toISOString() + '\n');
