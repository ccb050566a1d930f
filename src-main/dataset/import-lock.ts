import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { processAlive } from '../process-alive.ts';

/**
 * One import per folder at a time (two would write the same pixel-cache
 * records). The lock is a file holding the owner's pid; a lock left by a
 * process that no longer runs (killed, crashed) is taken over.
 * Returns the function that releases it.
 */
function lockFile(cacheDir: string, root: string): string {
  return path.join(cacheDir, `import-${crypto.createHash('sha256').update(root).digest('hex').slice(0, 16)}.lock`);
}

/** The process importing this folder now, or null. */
export function folderImportRunning(cacheDir: string, root: string): number | null {
  let owner: number;
  try {
    owner = Number(fs.readFileSync(lockFile(cacheDir, root), 'utf8'));
  } catch {
    return null;
  }
  return Number.isInteger(owner) && owner > 0 && processAlive(owner) ? owner : null;
}

export function lockFolderImport(cacheDir: string, root: string): () => void {
  fs.mkdirSync(cacheDir, { recursive: true });
  const file = lockFile(cacheDir, root);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(fs.readFileSync(file, 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && processAlive(owner)) {
        throw new UserError(`Another import of ${root} is running (process ${owner}); wait for it to finish or stop it, then try again.`, 'import_running');
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new UserError(`Could not take the import lock for ${root}; try again.`, 'import_running');
}
