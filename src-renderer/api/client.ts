/**
 * The renderer's one way to reach Latent Lab. It works the same in the
 * Electron window (through the preload's window.latentLab) and in a browser
 * served by `latent-lab serve` (HTTP + WebSocket; the token lives in a cookie
 * scoped to the page's folder).
 *
 *   import { api, onEvent, imageUrl } from './api/client.ts';
 *   const datasets = await api.listDatasets();
 *   const stop = onEvent('train.progress', (p) => ...);
 */
import type { LatentLabBridge } from '../../src-main/contract/contract.ts';
import { createClient } from './create-client.ts';
import { electronTransport, httpTransport, type OpenSocket } from './transport.ts';

export { ApiError, type ApiClient } from './create-client.ts';

const openBrowserSocket: OpenSocket = (url, on) => {
  const socket = new WebSocket(url);
  socket.onopen = () => on.open();
  socket.onmessage = (message) => on.message(String(message.data));
  socket.onclose = () => on.close();
  return socket;
};

/** The page's folder: `latent-lab serve` puts the app under a secret path its cookie is scoped to (src-main/server/server.ts). */
const folder = location.pathname.replace(/\/[^/]*$/, '');

const bridge = (window as { latentLab?: LatentLabBridge }).latentLab;
const client = createClient(
  bridge
    ? electronTransport(bridge)
    : httpTransport({
        base: folder,
        socketBase: `${location.origin}${folder}`,
        openSocket: openBrowserSocket,
        // A tab from an earlier start of serve: reloading shows the server's explanation instead of a broken app.
        onTokenRefused: () => location.reload(),
      }),
);

export const { api, host, onEvent, onAnyEvent, imageUrl, atlasUrl } = client;

/**
 * Saves a run's CSV where the person chooses: the native Save dialog in
 * Electron, a download in a browser. Resolves the saved path (Electron), the
 * file name (browser), or null when cancelled.
 */
export async function saveCsv(runId: number, kind: 'embeddings' | 'outliers' = 'embeddings'): Promise<string | null> {
  const name = `run-${runId}-${kind}.csv`;
  if (host === 'electron') return (await api.exportCsv({ runId, kind }))?.path ?? null;
  const link = document.createElement('a');
  link.href = `api/runs/${runId}/export.csv?kind=${kind}`;
  link.download = name;
  link.click();
  return name;
}
