import { dataVersion, tableFingerprints } from '../store/datasets.ts';
import type { Db } from '../store/open.ts';
import type { EventHub } from './events.ts';

/** Polling period for changes made by other processes: a CLI import shows in an open window within this. */
export const STORE_POLL_MS = 2000;

export interface StoreWatch {
  /** Emits datasets.changed / runs.changed for whichever table changed since the last check. */
  check(): void;
  stop(): void;
}

/**
 * Turns changes to the datasets and runs tables into events, wherever they
 * were made. This API's own changes are announced by the handler that makes
 * them (check() after the write). Another process (a CLI import, a trainer,
 * a second window's server) is noticed by polling: PRAGMA data_version, a
 * counter SQLite bumps when another connection commits, costs no I/O beyond
 * the page cache, so a 2 s poll is cheap; only when it moves are the tables'
 * fingerprints (counts, max ids and timestamps) read to say which changed.
 * File-system watching was the alternative, but WAL commits touch the -wal
 * file on every write of every table, and not reliably on network disks.
 */
export function watchStore(db: Db, events: EventHub, options: { poll: boolean }): StoreWatch {
  let fingerprints = tableFingerprints(db);
  let version = dataVersion(db);
  const check = () => {
    // background work (an import, a trainer) may end after the API closed
    if (!db.open) return;
    const now = tableFingerprints(db);
    if (now.datasets !== fingerprints.datasets) events.emit('datasets.changed', {});
    if (now.runs !== fingerprints.runs) events.emit('runs.changed', {});
    fingerprints = now;
  };
  const timer = options.poll
    ? setInterval(() => {
        const seen = dataVersion(db);
        if (seen === version) return;
        version = seen;
        check();
      }, STORE_POLL_MS)
    : undefined;
  timer?.unref();
  return { check, stop: () => clearInterval(timer) };
}
