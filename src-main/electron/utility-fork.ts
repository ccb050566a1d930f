import readline from 'node:readline';
import type { UtilityProcess } from 'electron';
import type { ChildLike } from '../engine/launcher.ts';
import type { ParentMessage } from '../engine/trainer-messages.ts';
import type { ElectronMain } from './electron-types.ts';

/**
 * Runs the trainer as an Electron utilityProcess (its own Node process that
 * Electron manages). The engine names its TypeScript entry; the app runs the
 * bundled copy of that same entry, built beside main.cjs, with the
 * environment given (it names the Electron build of better-sqlite3).
 */
export function utilityFork(utilityProcess: ElectronMain['utilityProcess'], bundledTrainer: string, env: NodeJS.ProcessEnv): (entry: string) => ChildLike {
  return () => {
    const child: UtilityProcess = utilityProcess.fork(bundledTrainer, [], { serviceName: 'Latent Lab trainer', stdio: 'pipe', env: { ...env } });
    return {
      get pid() {
        return child.pid;
      },
      send: (message: ParentMessage) => child.postMessage(message),
      onMessage: (listener) => child.on('message', listener),
      // utilityProcess reports no signal; a killed trainer shows as a non-zero code.
      onExit: (listener) => child.on('exit', (code) => listener(code, null)),
      onOutput: (listener) => {
        for (const stream of [child.stdout, child.stderr]) {
          if (stream) readline.createInterface({ input: stream }).on('line', listener);
        }
      },
    };
  };
}
