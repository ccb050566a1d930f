import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { latestVersion, migrations } from './migrations.ts';

export type Db = Database.Database;

/** A database this build cannot use safely; its message is meant for people. */
export class StoreError extends Error {
  override name = 'StoreError';
}

/**
 * Names better-sqlite3's build for Electron's ABI. The Electron shell sets it
 * before it opens the store or starts a trainer; Node ignores it, so the CLI
 * keeps the build in node_modules.
 */
export const sqliteBindingVariable = 'LATENT_LAB_SQLITE_BINDING';

/** The native binding this process must use: Electron's own build inside Electron, better-sqlite3's default otherwise. */
export function sqliteBindingOf(env: NodeJS.ProcessEnv = process.env, versions: NodeJS.ProcessVersions = process.versions): string | undefined {
  return versions.electron ? env[sqliteBindingVariable] || undefined : undefined;
}

/**
 * PRAGMA application_id of every Latent Lab database ("LtLb" in ASCII), so
 * that `file` and SQLite itself can tell our files from other SQLite files.
 */
export const applicationId = 0x4c744c62;

/**
 * Opens (creating if needed) the one Latent Lab database: WAL, foreign keys
 * on, migrations applied. A file from a newer schema, or a SQLite file that is
 * not ours, is refused before anything is written to it. `nativeBinding` is a
 * better_sqlite3.node to load instead of the one in node_modules.
 */
export function openStore(file: string, nativeBinding = sqliteBindingOf()): Db {
  if (nativeBinding !== undefined && !fs.existsSync(nativeBinding)) {
    throw new StoreError(
      `better-sqlite3's build for Electron is missing (${nativeBinding}). ` +
        'From a source checkout, start the app with `npm start`, which builds it; an installed app needs reinstalling.',
    );
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file, { nativeBinding });
  try {
    // Waits for another process's write lock (a concurrent first open, a trainer) instead of failing with SQLITE_BUSY.
    db.pragma('busy_timeout = 5000');
    refuseForeign(db, file);
    useWal(db);
    db.pragma('synchronous = NORMAL');
    migrate(db, file);
    return db;
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_NOTADB') throw new StoreError(`${file} is not a SQLite database; point --db at another file.`);
    throw error;
  }
}

/**
 * Switches the file to WAL. Converting a new file needs it alone for a moment, and SQLite answers
 * SQLITE_BUSY at once (without the busy handler) while another process holds it, as in a
 * concurrent first open: so retry for up to the busy timeout.
 */
function useWal(db: Db): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; ; waited += 20) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || waited >= 5000) throw error;
      Atomics.wait(pause, 0, 0, 20);
    }
  }
}

/** Refuses a file this build must not change: written by a newer Latent Lab, or another program's SQLite database. */
function refuseForeign(db: Db, file: string): void {
  // One statement, so all three come from one snapshot even while another process migrates the file.
  const { version, appId, tables } = db
    .prepare('SELECT user_version AS version, (SELECT application_id FROM pragma_application_id) AS appId, (SELECT count(*) FROM sqlite_master) AS tables FROM pragma_user_version')
    .get() as { version: number; appId: number; tables: number };
  const hasTables = tables > 0;
  if ((appId !== 0 && appId !== applicationId) || (version === 0 && hasTables)) {
    throw new StoreError(`${file} is a SQLite database of another program, not Latent Lab's; it was left untouched. Point --db at another file.`);
  }
  if (version > latestVersion) {
    throw new StoreError(
      `The database ${file} was written by a newer Latent Lab (schema version ${version}; ` +
        `this build knows up to ${latestVersion}). Upgrade Latent Lab, or point --db at another file.`,
    );
  }
}

/**
 * Applies the missing migrations under BEGIN IMMEDIATE: the write lock is
 * taken before user_version is read, so processes opening a fresh file at
 * once migrate it one after the other, and the later ones find nothing to do.
 * Foreign keys are off meanwhile (SQLite's recipe for rebuilding a table: with
 * them on, dropping the old table would cascade-delete every row that refers
 * to it; the pragma is a no-op inside a transaction, so it is set around it),
 * and every reference is checked before the migration commits.
 */
function migrate(db: Db, file: string): void {
  db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      refuseForeign(db, file);
      const from = db.pragma('user_version', { simple: true }) as number;
      if (from !== latestVersion) {
        for (const migration of migrations) {
          if (migration.version > from) db.exec(migration.sql);
        }
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) throw new StoreError(`Migrating ${file} to schema ${latestVersion} would leave ${broken.length} broken reference(s); nothing was changed.`);
        db.pragma(`user_version = ${latestVersion}`);
      }
      // Databases from before the id existed (user_version >= 1, id 0) get it too.
      if (db.pragma('application_id', { simple: true }) !== applicationId) db.pragma(`application_id = ${applicationId}`);
    }).immediate();
  } finally {
    db.pragma('foreign_keys = ON');
  }
}

/** Runs `work` (calls to the store's query functions) in one transaction: all of its writes commit, or none. */
export function inTransaction<T>(db: Db, work: () => T): T {
  return db.transaction(work)();
}
