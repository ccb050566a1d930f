import { runWorkerJob } from '../worker-thread.ts';
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
  const job: UmapJob = { data, n, d, params };
  return runWorkerJob<Float32Array, UmapMessage>(
    import.meta.url,
    'umap-worker',
    job,
    (message) => {
      if (message.kind === 'done') return { value: message.coords };
      if (message.kind === 'failed') return { error: new Error(message.message) };
      onProgress(message.phase, message.fraction);
      return undefined;
    },
    { what: 'the UMAP worker thread', signal },
  );
}
