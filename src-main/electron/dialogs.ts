import type { BrowserWindow, Dialog } from 'electron';
import type { ApiHost } from '../api/context.ts';

/** The native Open Folder and Save CSV dialogs, as the API's host pieces. */
export function nativeDialogs(dialog: Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>, window: () => BrowserWindow | null): Pick<ApiHost, 'pickFolder' | 'pickSaveFile'> {
  return {
    async pickFolder(title) {
      const options = { title: title ?? 'Open a folder of images', properties: ['openDirectory' as const] };
      const parent = window();
      const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async pickSaveFile(defaultName) {
      const options = { title: 'Save CSV', defaultPath: defaultName, filters: [{ name: 'CSV', extensions: ['csv'] }] };
      const parent = window();
      const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
      return result.canceled ? null : (result.filePath ?? null);
    },
  };
}
