// Entry of the Electron main process (bundled to out/electron/main.cjs by scripts/build-electron.js).
import path from 'node:path';
import * as electron from 'electron';
import { startElectronApp } from './app.ts';
import { appSqliteBinding } from './sqlite-binding.ts';

void startElectronApp(electron, {
  rendererDir: path.join(__dirname, '..', 'renderer'),
  preload: path.join(__dirname, 'preload.cjs'),
  trainer: path.join(__dirname, 'trainer.cjs'),
  sqliteBinding: appSqliteBinding({ isPackaged: electron.app.isPackaged, appRoot: path.join(__dirname, '..', '..'), resourcesPath: process.resourcesPath }),
});
