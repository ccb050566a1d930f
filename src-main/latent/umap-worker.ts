import { parentPort, workerData } from 'node:worker_threads';
import { umap3d, type UmapParams } from './umap.ts';

export interface UmapJob {
  data: Float32Array;
  n: number;
  d: number;
  params: UmapParams;
}

export type UmapMessage =
  | { kind: 'progress'; phase: 'neighbours' | 'graph' | 'layout'; fraction: number }
  | { kind: 'done'; coords: Float32Array }
  | { kind: 'failed'; message: string };

/** Worker thread entry: one UMAP per thread, progress and the coordinates posted back. */
const { data, n, d, params } = workerData as UmapJob;
const post = (message: UmapMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(message, transfer);
umap3d(data, n, d, params, (phase, fraction) => post({ kind: 'progress', phase, fraction })).then(
  (coords) => post({ kind: 'done', coords }, [coords.buffer as ArrayBuffer]),
  (error: unknown) => post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
);
