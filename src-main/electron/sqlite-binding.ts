import path from 'node:path';

/** One Electron build: better-sqlite3 must be compiled for exactly this. */
export interface ElectronTarget {
  version: string;
  platform: string;
  arch: string;
}

/** Where `npm start` keeps better-sqlite3 built for one Electron, apart from node_modules (which stays Node's, for the CLI). */
export function devSqliteBinding(appRoot: string, target: ElectronTarget): string {
  return path.join(appRoot, 'out', 'native', `electron-${target.version}-${target.platform}-${target.arch}`, 'better_sqlite3.node');
}

/** Inside an installed app, relative to its resources folder (electron.config.ts ships it there). */
export const packagedSqliteBinding = path.join('native', 'better_sqlite3.node');

/** The Electron build of better-sqlite3 that this running app uses. */
export function appSqliteBinding(app: { isPackaged: boolean; appRoot: string; resourcesPath: string }): string {
  if (app.isPackaged) return path.join(app.resourcesPath, packagedSqliteBinding);
  return devSqliteBinding(app.appRoot, { version: process.versions.electron ?? 'unknown', platform: process.platform, arch: process.arch });
}
