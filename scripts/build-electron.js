#!/usr/bin/env node
// `npm run build:electron`: bundles the Electron main process, the sandboxed
// preload and the processes they start into out/electron with esbuild.
//   main.cjs        the main process (npm packages stay external: electron-builder ships node_modules)
//   preload.cjs     the preload; a sandboxed preload may require only 'electron', so everything else is inlined
//   trainer.cjs     the trainer, run as a utilityProcess
//   job-worker.js   the import's decode worker (ESM; the dataset room loads it beside the bundle)
//   umap-worker.js  the UMAP worker thread (ESM; latent/umap-thread.ts loads it beside the bundle)
//   duplicates-worker.js  the duplicate search's worker thread (ESM; latent/duplicates-thread.ts loads it)
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.resolve(root, process.env.LATENT_LAB_ELECTRON_OUT ?? 'out/electron');
const from = (file) => path.join(root, file);

// Code written as ESM reads import.meta.url; in a CommonJS bundle that is this file's URL.
const commonJs = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  // The other import.meta uses (import.meta.resolve in worker-thread.ts) run only from a source checkout.
  logOverride: { 'empty-import-meta': 'silent' },
  define: { 'import.meta.url': '__latentLabModuleUrl' },
  banner: { js: "const __latentLabModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
};

await Promise.all([
  build({ ...commonJs, entryPoints: [from('src-main/electron/main.ts')], outfile: path.join(outDir, 'main.cjs'), packages: 'external' }),
  build({ ...commonJs, entryPoints: [from('src-main/electron/preload.ts')], outfile: path.join(outDir, 'preload.cjs'), external: ['electron'] }),
  build({ ...commonJs, entryPoints: [from('src-main/engine/trainer-process.ts')], outfile: path.join(outDir, 'trainer.cjs'), packages: 'external' }),
  ...[
    ['src-main/dataset/job-worker.ts', 'job-worker.js'],
    ['src-main/latent/umap-worker.ts', 'umap-worker.js'],
    ['src-main/latent/duplicates-worker.ts', 'duplicates-worker.js'],
  ].map(([entry, outfile]) =>
    build({
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      sourcemap: 'linked',
      logLevel: 'warning',
      entryPoints: [from(entry)],
      outfile: path.join(outDir, outfile),
      packages: 'external',
    }),
  ),
]);
console.log(`Electron bundles written to ${path.relative(root, outDir)}/`);
