import type * as Electron from 'electron';

/**
 * The parts of the `electron` module the main process uses. Every module here
 * takes them as a parameter instead of importing 'electron', so tests can
 * pass a stand-in (test/helpers/electron-stub.ts); only main.ts and
 * preload.ts import the real module.
 */
export type ElectronMain = Pick<typeof Electron, 'app' | 'BrowserWindow' | 'ipcMain' | 'protocol' | 'session' | 'Menu' | 'dialog' | 'utilityProcess'>;

export type ElectronPreload = Pick<typeof Electron, 'contextBridge' | 'ipcRenderer'>;
