/**
 * electron-builder configuration (`npm run dist`, after `npm run build` and
 * `npm run build:electron`). Installers land in release/.
 */
import type { Configuration } from 'electron-builder';

const config: Configuration = {
  appId: 'org.latentlab.app',
  productName: 'Latent Lab',
  copyright: 'Copyright © Latent Lab contributors',
  directories: { output: 'release', buildResources: 'resources' },
  // The bundles and the built renderer; npm dependencies are added by electron-builder itself.
  files: ['package.json', 'out/electron/**/*', 'out/renderer/**/*', '!**/*.map', '!**/node_modules/electron/**'],
  extraMetadata: { main: 'out/electron/main.cjs' },
  asar: true,
  // Native code and files loaded by path must live outside the archive.
  asarUnpack: [
    '**/node_modules/better-sqlite3/**',
    '**/node_modules/sharp/**',
    '**/node_modules/@img/**',
    '**/node_modules/@tensorflow/tfjs-node/**',
    '**/node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm',
    'out/electron/job-worker.js',
  ],
  // Rebuild better-sqlite3 (and tfjs-node where installed) for Electron's Node ABI.
  npmRebuild: true,
  // Electron's security checklist: no running as plain Node, no NODE_OPTIONS or --inspect,
  // encrypted cookies, only the integrity-checked app.asar may load, and file:// gets no extra powers.
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
