/**
 * electron-builder configuration (`npm run dist`, after `npm run build` and
 * `npm run build:electron`). Installers land in release/.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BeforePackContext } from 'app-builder-lib';
import { Arch, type Configuration } from 'electron-builder';
import { installedElectron, prepareElectronSqlite } from './scripts/electron-sqlite.ts';
import { packagedSqliteBinding } from './src-main/electron/sqlite-binding.ts';

/** Where beforePack leaves better-sqlite3's Electron build for one arch; extraResources ships it from there. */
const stagedSqliteBinding = 'out/native/package-${arch}/better_sqlite3.node';

/**
 * node_modules keeps better-sqlite3's Node build (the CLI's); the app gets its
 * own build for the target Electron, platform and arch, made once in out/native/.
 */
function stageSqliteBinding(context: BeforePackContext): void {
  const root = context.packager.projectDir;
  const arch = Arch[context.arch];
  const { file } = prepareElectronSqlite(root, installedElectron(root, context.electronPlatformName, arch));
  const staged = path.join(root, stagedSqliteBinding.replace('${arch}', arch));
  fs.mkdirSync(path.dirname(staged), { recursive: true });
  fs.copyFileSync(file, staged);
}

const config: Configuration = {
  appId: 'org.latentlab.app',
  productName: 'Latent Lab',
  copyright: 'Copyright © Latent Lab contributors',
  directories: { output: 'release', buildResources: 'resources' },
  // The bundles and the built renderer; npm dependencies are added by electron-builder itself.
  // better-sqlite3's own build/ is Node's (and its object files): the app loads the one in extraResources.
  files: ['package.json', 'out/electron/**/*', 'out/renderer/**/*', '!**/*.map', '!**/node_modules/electron/**', '!**/node_modules/better-sqlite3/build/**'],
  extraMetadata: { main: 'out/electron/main.cjs' },
  asar: true,
  // Native code and files loaded by path must live outside the archive.
  asarUnpack: [
    '**/node_modules/sharp/**',
    '**/node_modules/@img/**',
    '**/node_modules/@tensorflow/tfjs-node/**',
    '**/node_modules/latent-lab-blas/**',
    '**/node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm',
    'out/electron/job-worker.js',
  ],
  // No rebuild of node_modules in place (that would break the CLI, which runs on Node): sharp, tfjs-node and
  // latent-lab-blas (native/blas) use N-API and load in Electron as they are; better-sqlite3 ships as an
  // Electron build of its own.
  npmRebuild: false,
  beforePack: stageSqliteBinding,
  extraResources: [{ from: stagedSqliteBinding, to: packagedSqliteBinding }],
  // Electron's security checklist: no running as plain Node, no NODE_OPTIONS or --inspect,
  // encrypted cookies, only the integrity-checked app.asar may load, and file:// gets no extra powers.
  // Every fuse of Electron 45 is set here but its ninth, wasmTrapHandlers, which electron-builder's
  // @electron/fuses 1.8 cannot name: it stays on (its default), so WebAssembly (the tfjs wasm backend)
  // keeps its guard-page bounds checks instead of slower explicit ones.
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    loadBrowserProcessSpecificV8Snapshot: false,
    grantFileProtocolExtraPrivileges: false,
  },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Science',
    icon: 'resources/icon.png',
    synopsis: 'Train autoencoders and VAEs on a folder of images and explore their latent space',
  },
  deb: { packageCategory: 'science' },
  mac: {
    target: ['dmg'],
    category: 'public.app-category.developer-tools',
    icon: 'resources/icon.png',
    hardenedRuntime: true,
  },
  win: { target: ['nsis'], icon: 'resources/icon.png' },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true, perMachine: false },
};

export default config;
