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
import type { ApiErrorBody, ApiInput, LatentLabBridge } from '../../src-main/contract/contract.ts';
import { ApiError, createClient } from './create-client.ts';
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

/** What a CSV export holds (the exportCsv method's fields, less where to write). */
export type CsvRequest = Omit<ApiInput<'exportCsv'>, 'path'>;

/**
 * Saves a run's CSV where the person chooses: the native Save dialog in
 * Electron, a download in a browser (an item list goes in a POST body, since
 * a long selection does not fit in an address). Resolves the saved path
 * (Electron), the file name (browser), or null when cancelled.
 */
export async function saveCsv(request: CsvRequest): Promise<string | null> {
  const kind = request.kind ?? 'embeddings';
  const name = `run-${request.runId}-${kind}${request.items ? `-${request.items.length}-items` : ''}.csv`;
  if (host === 'electron') return (await api.exportCsv(request))?.path ?? null;
  const { runId, items, ...fields } = request;
  const link = document.createElement('a');
  link.download = name;
  if (items) {
    const response = await fetch(`api/runs/${runId}/export.csv`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...fields, items }) });
    if (!response.ok) {
      const { error } = (await response.json()) as { error: ApiErrorBody };
      throw new ApiError(error.code, error.message);
    }
    link.href = URL.createObjectURL(await response.blob());
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  } else {
    link.href = `api/runs/${runId}/export.csv?${csvQuery(fields).toString()}`;
  }
  link.click();
  return name;
}

function csvQuery(fields: Omit<CsvRequest, 'runId' | 'items'>): URLSearchParams {
  const query = new URLSearchParams();
  const add = (name: string, value: unknown) => value !== undefined && value !== null && query.set(name, Array.isArray(value) ? value.join(',') : String(value));
  add('kind', fields.kind);
  add('set', fields.set);
  add('score', fields.score);
  if (fields.raw) add('raw', 1);
  if (fields.projection) for (const [key, value] of Object.entries(fields.projection)) add(key === 'method' ? 'projection' : key, value);
  return query;
}
