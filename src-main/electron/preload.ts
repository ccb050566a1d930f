// Entry of the sandboxed preload (bundled to out/electron/preload.cjs; it may require only 'electron').
import { contextBridge, ipcRenderer } from 'electron';
import { exposeApi } from './bridge.ts';

exposeApi({ contextBridge, ipcRenderer });
