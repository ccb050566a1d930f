import type { MenuItemConstructorOptions } from 'electron';
import type { ApiEvents } from '../contract/contract.ts';

type MenuAction = ApiEvents['menu']['action'];

/** The application menu with the usual roles and shortcuts; app actions go to the renderer as `menu` events. */
export function menuTemplate(options: { isMac: boolean; isPackaged: boolean; send: (action: MenuAction) => void }): MenuItemConstructorOptions[] {
  const { isMac, isPackaged, send } = options;
  const template: MenuItemConstructorOptions[] = [];
  if (isMac) template.push({ role: 'appMenu' });
  template.push(
    {
      label: 'File',
      submenu: [
        { label: 'Open Folder…', accelerator: 'CmdOrCtrl+O', click: () => send('openFolder') },
        { label: 'Try a Sample Dataset', click: () => send('tryDemo') },
        { type: 'separator' },
        { label: 'Export CSV…', accelerator: 'CmdOrCtrl+E', click: () => send('exportCsv') },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...(isPackaged ? [] : ([{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as MenuItemConstructorOptions[])),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  );
  return template;
}
