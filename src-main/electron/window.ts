import type { BrowserWindow, WebPreferences } from 'electron';
import { appEntryUrl } from './app-origin.ts';
import type { ElectronMain } from './electron-types.ts';

/** The renderer gets no Node, its own JavaScript world, Chromium's sandbox and the same-origin policy. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

export function createMainWindow(electron: ElectronMain, preload: string): BrowserWindow {
  const window = new electron.BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: 'Latent Lab',
    show: false,
    backgroundColor: '#15171c',
    webPreferences: secureWebPreferences(preload),
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(appEntryUrl);
  return window;
}
