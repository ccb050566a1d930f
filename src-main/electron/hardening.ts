import type { Session, WebContents } from 'electron';
import { contentSecurityPolicy } from '../server/security-headers.ts';
import { appScheme, isAppUrl } from './app-origin.ts';

/** The window's CSP: the browser server's, plus images from our own scheme. */
export const electronCsp = contentSecurityPolicy({ img: [`${appScheme}:`], connect: [`${appScheme}:`] });

/** No permission (camera, notifications, geolocation...) is ever granted, and none is reported as granted. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [electronCsp] } });
  });
}

/**
 * Every web contents stays on our pages: navigation elsewhere, new windows
 * and <webview> are refused. Nothing is handed to shell.openExternal either:
 * the app has no external links, and a compromised page must not be able to
 * launch URLs (or the handlers of custom schemes) on the desktop.
 */
export function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
