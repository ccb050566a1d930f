/**
 * Entry of the trainer process (child_process.fork from the CLI and server, Electron's
 * utilityProcess in the app). It waits for {type:'start'}, trains the run, writes
 * everything to SQLite itself and streams events to the parent. {type:'stop'},
 * SIGINT or SIGTERM finish the current batch, save and stop.
 */
import { openStore } from '../store/open.ts';
import { isUserError } from '../errors.ts';
import { setRunStatus } from '../store/runs.ts';
import { trainRun } from './train/train-run.ts';
import type { ChildMessage, ParentMessage } from './trainer-messages.ts';

interface Port {
  post(message: ChildMessage): Promise<void>;
  onMessage(listener: (message: ParentMessage) => void): void;
}

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

function parentPort(): Port {
  const electron = (process as { parentPort?: ElectronParentPort }).parentPort;
  if (electron) {
    return {
      post: async (message) => electron.postMessage(message),
      onMessage: (listener) => electron.on('message', (event) => listener(event.data as ParentMessage)),
    };
  }
  if (!process.send) throw new Error('trainer-process must be started with an IPC channel (child_process.fork)');
  return {
    post: (message) => new Promise((resolve) => process.send!(message, undefined, {}, () => resolve())),
    onMessage: (listener) => process.on('message', (message) => listener(message as ParentMessage)),
  };
}

const port = parentPort();
let stopRequested = false;
const requestStop = () => {
  stopRequested = true;
};
process.on('SIGINT', requestStop);
process.on('SIGTERM', requestStop);
// The parent went away (crash, kill -9): save and exit rather than train on as an orphan.
process.on('disconnect', requestStop);

async function run(dbPath: string, runId: number): Promise<number> {
  const db = openStore(dbPath);
  try {
    const summary = await trainRun(db, dbPath, runId, {
      emit: (event) => void port.post({ type: 'event', event }),
      shouldStop: () => stopRequested,
    });
    await port.post({ type: 'done', summary });
    return 0;
  } catch (error) {
    const message = isUserError(error) ? (error as Error).message : ((error as Error).stack ?? String(error));
    setRunStatus(db, runId, 'failed', { pid: null, error: (error as Error).message });
    await port.post({ type: 'failed', error: message });
    return 1;
  } finally {
    db.close();
  }
}

port.onMessage((message) => {
  if (message.type === 'stop') requestStop();
  if (message.type === 'start') {
    void run(message.dbPath, message.runId).then((code) => process.exit(code));
  }
});
