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
 * Opens (creating if needed) the one Latent Lab database: WAL, foreign keys
 * on, migrations applied. A file from a newer schema is refused before
 * anything is written to it. `nativeBinding` is a better_sqlite3.node to
 * load instead of the one in node_modules.
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
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > latestVersion) {
      throw new StoreError(
        `The database ${file} was written by a newer Latent Lab (schema version ${version}; ` +
          `this build knows up to ${latestVersion}). Upgrade Latent Lab, or point --db at another file.`,
      );
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    migrate(db, version);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Foreign keys are off while migrations run (SQLite's recipe for rebuilding a
 * table: with them on, dropping the old table would cascade-delete every row
 * that refers to it), and every reference is checked before each commits.
 */
function migrate(db: Db, from: number): void {
  db.pragma('foreign_keys = OFF');
  try {
    for (const migration of migrations) {
      if (migration.version <= from) continue;
      db.transaction(() => {
        db.exec(migration.sql);
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) throw new StoreError(`Migration ${migration.version} (${migration.name}) would leave ${broken.length} broken reference(s); nothing was changed.`);
        db.pragma(`user_version = ${migration.version}`);
      })();
    }
  } finally {
    db.pragma('foreign_keys = ON');
  }
}
