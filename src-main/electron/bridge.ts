import type { ApiEvent, LatentLabBridge } from '../contract/contract.ts';
import { methodNames } from '../contract/method-names.ts';
import { callChannel, eventChannel } from './app-origin.ts';
import type { ElectronPreload } from './electron-types.ts';

/**
 * What the preload exposes as window.latentLab: exactly one function per API
 * method (generated from the method table, each invoking only its own
 * channel) and an event subscription. ipcRenderer itself never crosses over.
 */
export function exposeApi({ contextBridge, ipcRenderer }: ElectronPreload): LatentLabBridge {
  const api = Object.fromEntries(methodNames.map((method) => [method, (input: unknown) => ipcRenderer.invoke(callChannel(method), input)])) as LatentLabBridge['api'];
  const listeners = new Set<(event: ApiEvent) => void>();
  ipcRenderer.on(eventChannel, (_event, payload: ApiEvent) => {
    for (const listener of listeners) listener(payload);
  });
  const bridge: LatentLabBridge = {
    api,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  contextBridge.exposeInMainWorld('latentLab', bridge);
  return bridge;
}
