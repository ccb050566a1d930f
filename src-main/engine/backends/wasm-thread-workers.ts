import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/*
 * tfjs gives Emscripten's pthread workers two blob: URLs, the worker script and the module
 * script each worker then imports, and Node's worker_threads load neither (tfjs therefore
 * turns threads off in Node). The package also ships both scripts in wasm-out/.
 * While the threaded module initialises, the worker's blob: URL becomes a file: the shipped
 * worker script, changed to import the shipped module script instead of the Blob.
 *
 * The module also caps its XNNPACK pool at half the logical cores it reads from os.cpus()
 * (taking every core for two hyperthreads), so two cores would give one thread; while it
 * initialises, os.cpus() reports twice the threads asked for.
 *
 * Emscripten keeps a running thread's worker referenced, and XNNPACK's pool threads run for
 * the life of the module, so they would keep Node from ever exiting; they are unreferenced.
 */

/** The shipped worker's code that imports the module script (here a Blob), to be replaced. */
const IMPORT_MODULE_SCRIPT =
  'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}else{var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)}';

let workerFile: string | undefined;

/** Writes the worker script once per content, atomically, so processes can share it. */
function nodeWorkerFile(): string {
  if (workerFile !== undefined) return workerFile;
  const require = createRequire(import.meta.url);
  const wasmOut = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
  // That file exports the worker's source as a string; tfjs escapes its newlines the same way.
  const { wasmWorkerContents } = require(path.join(wasmOut, 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  const worker = wasmWorkerContents.replace(/\n/g, '\\n');
  if (!worker.includes(IMPORT_MODULE_SCRIPT)) {
    throw new Error('this tfjs-backend-wasm version loads its thread workers in a way Latent Lab does not know');
  }
  const moduleScript = path.join(wasmOut, 'tfjs-backend-wasm-threaded-simd.js');
  const text = worker.replace(IMPORT_MODULE_SCRIPT, `importScripts(${JSON.stringify(moduleScript)});`);
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `latent-lab-wasm-worker-${hash}.cjs`);
  if (!fs.existsSync(file)) {
    const partial = `${file}.${process.pid}`;
    fs.writeFileSync(partial, text);
    fs.renameSync(partial, file);
  }
  workerFile = file;
  return file;
}

interface ThreadedModule {
  PThread: { runningWorkers: { unref(): void }[] };
}

/** Lets Node exit while the pool threads of the threaded wasm module `wasmModule` run. */
export function unrefThreads(wasmModule: unknown): void {
  for (const worker of (wasmModule as ThreadedModule).PThread.runningWorkers) worker.unref();
}

/** Runs `init` (the threaded wasm backend's initialisation) so that it starts `threads` threads in Node. */
export async function withNodeThreads<T>(threads: number, init: () => Promise<T>): Promise<T> {
  const file = nodeWorkerFile();
  const createObjectURL = URL.createObjectURL;
  const cpus = os.cpus;
  // During init tfjs makes an object URL for one thing only: the worker script.
  URL.createObjectURL = () => file;
  const core = cpus()[0];
  os.cpus = () => Array<os.CpuInfo>(2 * threads).fill(core);
  try {
    return await init();
  } finally {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
  }
}
