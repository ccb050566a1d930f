import os from 'node:os';
import path from 'node:path';

/** The platform's per-user data folder (what Electron calls appData). */
export function userDataRoot(): string {
  const home = os.homedir();
  if (process.platform === 'win32') return process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support');
  return process.env.XDG_DATA_HOME ?? path.join(home, '.local', 'share');
}

/** Where the database lives: an explicit flag wins, then LATENT_LAB_DB, then the per-user folder. */
export function resolveDbPath(flag?: string): string {
  const chosen = flag ?? process.env.LATENT_LAB_DB;
  if (chosen) return path.resolve(chosen);
  return path.join(userDataRoot(), 'latent-lab', 'latent-lab.db');
}

/** Caches (decoded pixels, thumbnail atlases) live in a folder beside the database. */
export function cacheDirFor(dbPath: string): string {
  return path.join(path.dirname(dbPath), path.basename(dbPath, path.extname(dbPath)) + '-cache');
}
