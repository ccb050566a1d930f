import { startWorker } from '../worker-thread.ts';
import type { UmapParams, UmapProgress } from './umap.ts';
import type { UmapJob, UmapMessage } from './umap-worker.ts';

export interface UmapThreadOptions {
  onProgress?: UmapProgress;
  /** Aborting terminates the thread and rejects with an AbortError. */
  signal?: AbortSignal;
}

/**
 * umap3d on a worker thread: the kNN graph and fuzzy set are long
 * synchronous loops that would freeze a server's event loop. The codes are
 * copied in (the caller keeps its array); the same seed gives the same
 * coordinates as umap3d in this thread.
 */
export function umap3dInWorker(data: Float32Array, n: number, d: number, params: UmapParams, options: UmapThreadOptions = {}): Promise<Float32Array> {
  const { onProgress = () => {}, signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason as Error);
  const job: UmapJob = { data, n, d, params };
  const worker = startWorker(import.meta.url, 'umap-worker', { workerData: job });
  return new Promise<Float32Array>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', abort);
      void worker.terminate();
      outcome();
    };
    const abort = () => settle(() => reject(signal!.reason as Error));
    signal?.addEventListener('abort', abort, { once: true });
    worker.on('message', (message: UmapMessage) => {
      if (settled) return;
      if (message.kind === 'progress') onProgress(message.phase, message.fraction);
      else if (message.kind === 'done') settle(() => resolve(message.coords));
      else settle(() => reject(new Error(message.message)));
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) => settle(() => reject(new Error(`the UMAP worker thread stopped unexpectedly (exit code ${code})`))));
  });
}
