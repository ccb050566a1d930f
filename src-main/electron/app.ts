import path from 'node:path';
import type { BrowserWindow } from 'electron';
import { createApi, type Api } from '../api/create-api.ts';
import { sqliteBindingVariable } from '../store/open.ts';
import { eventChannel } from './app-origin.ts';
import { nativeDialogs } from './dialogs.ts';
import type { ElectronMain } from './electron-types.ts';
import { hardenContents, hardenSession } from './hardening.ts';
import { wireIpc } from './ipc.ts';
import { menuTemplate } from './menu.ts';
import { handleAppScheme, registerAppScheme } from './protocol.ts';
import { utilityFork } from './utility-fork.ts';
import { createMainWindow } from './window.ts';

/** The built files the shell loads (beside main.cjs in the app). */
export interface ShellFiles {
  rendererDir: string;
  preload: string;
  trainer: string;
  /** better_sqlite3.node built for this Electron (see sqlite-binding.ts). */
  sqliteBinding: string;
}

export interface RunningShell {
  api: Api;
  window(): BrowserWindow | null;
}

/**
 * The Electron main process: one secure window over the same API as the
 * other front doors. Resolves once the app is ready and the window exists;
 * resolves null when another instance already runs (that one gets focus).
 */
export async function startElectronApp(electron: ElectronMain, files: ShellFiles): Promise<RunningShell | null> {
  const { app } = electron;
  registerAppScheme(electron.protocol);
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));

  let window: BrowserWindow | null = null;
  const openWindow = () => {
    window = createMainWindow(electron, files.preload);
    window.on('closed', () => (window = null));
  };
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('activate', () => window ?? openWindow());

  // The store reads it here and in every trainer, which gets it in its environment.
  process.env[sqliteBindingVariable] = files.sqliteBinding;
  await app.whenReady();
  const dbPath = process.env.LATENT_LAB_DB ? path.resolve(process.env.LATENT_LAB_DB) : path.join(app.getPath('userData'), 'latent-lab.db');
  let api: Api;
  try {
    api = createApi({
      dbPath,
      host: { kind: 'electron', ...nativeDialogs(electron.dialog, () => window), fork: utilityFork(electron.utilityProcess, files.trainer, process.env) },
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const hint = /NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(message)
      ? `\n\n${files.sqliteBinding} was built for another Electron: delete it and run \`npm start\` again, which rebuilds it (an installed app needs reinstalling).`
      : '';
    electron.dialog.showErrorBox('Latent Lab cannot open its database', message + hint);
    app.quit();
    return null;
  }
  let closing = false;
  app.on('will-quit', (event) => {
    if (closing) return;
    // Stop trainers and close the database before the process goes.
    closing = true;
    event.preventDefault();
    const giveUp = new Promise((resolve) => setTimeout(resolve, 15_000));
    void Promise.race([api.close(), giveUp]).finally(() => app.quit());
  });

  hardenSession(electron.session.defaultSession);
  handleAppScheme(electron.protocol, api.context, files.rendererDir);
  wireIpc(electron.ipcMain, api);
  api.events.subscribe((event) => {
    if (window && !window.isDestroyed()) window.webContents.send(eventChannel, event);
  });
  const template = menuTemplate({ isMac: process.platform === 'darwin', isPackaged: app.isPackaged, send: (action) => api.events.emit('menu', { action }) });
  electron.Menu.setApplicationMenu(electron.Menu.buildFromTemplate(template));
  openWindow();
  return { api, window: () => window };
}
