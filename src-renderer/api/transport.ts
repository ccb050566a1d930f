import type { ApiEvent, ApiResult, LatentLabBridge } from '../../src-main/contract/contract.ts';
import type { MethodName } from '../../src-main/contract/method-names.ts';

/** How the client reaches the API: Electron's preload bridge, or HTTP + WebSocket. Free of DOM types, so Node tests use it too. */
export interface Transport {
  kind: 'electron' | 'browser';
  call(method: MethodName, input: unknown): Promise<ApiResult<unknown>>;
  subscribe(listener: (event: ApiEvent) => void): () => void;
  imageUrl(itemId: number): string;
  atlasUrl(datasetId: number, tile: number, page: number): string;
}

export function electronTransport(bridge: LatentLabBridge): Transport {
  return {
    kind: 'electron',
    call: (method, input) => (bridge.api[method] as (input: unknown) => Promise<ApiResult<unknown>>)(input),
    subscribe: (listener) => bridge.onEvent(listener),
    // The page's own origin (latent://app) serves images at the browser server's paths.
    imageUrl: (itemId) => `latent://app/api/items/${itemId}/image.png`,
    atlasUrl: (datasetId, tile, page) => `latent://app/api/datasets/${datasetId}/atlas/${tile}/${page}.webp`,
  };
}

/** Opens a WebSocket (the browser's, or the ws package in Node) and reports to three callbacks. */
export type OpenSocket = (url: string, on: { open(): void; message(text: string): void; close(): void }) => { close(): void };

export interface HttpTransportOptions {
  /** Where the API's paths start: a server origin (http://127.0.0.1:4178), or for the page itself its folder ('/lab-x'). */
  base: string;
  /** The same place as an absolute http URL, for the WebSocket. */
  socketBase: string;
  /** Sent as a header and query; a page served by `latent-lab serve` relies on its cookie instead. */
  token?: string;
  openSocket: OpenSocket;
  /** The server refused the token (a tab left from an earlier start of serve). */
  onTokenRefused?: () => void;
}

/** HTTP POST /api/<method> for calls; one shared WebSocket /api/events, reconnecting, for events. */
export function httpTransport(options: HttpTransportOptions): Transport {
  const listeners = new Set<(event: ApiEvent) => void>();
  let socket: { close(): void } | null = null;
  let retryMs = 500;
  const query = options.token ? `?token=${encodeURIComponent(options.token)}` : '';

  function connect(): void {
    socket = options.openSocket(`${options.socketBase.replace(/^http/, 'ws')}/api/events${query}`, {
      open: () => (retryMs = 500),
      message: (text) => {
        const event = JSON.parse(text) as ApiEvent;
        for (const listener of listeners) listener(event);
      },
      close: () => {
        socket = null;
        retryMs = Math.min(retryMs * 2, 5000);
        if (listeners.size > 0) setTimeout(() => listeners.size > 0 && !socket && connect(), retryMs);
      },
    });
  }

  return {
    kind: 'browser',
    async call(method, input) {
      const response = await fetch(`${options.base}/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}) },
        body: JSON.stringify(input ?? {}),
        credentials: 'same-origin',
      });
      try {
        const outcome = (await response.json()) as ApiResult<unknown>;
        if ('error' in outcome && outcome.error.code === 'bad_token') options.onTokenRefused?.();
        return outcome;
      } catch {
        return { error: { code: 'http_error', message: `The server answered ${response.status} ${response.statusText}.` } };
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!socket) connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) socket?.close();
      };
    },
    imageUrl: (itemId) => `${options.base}/api/items/${itemId}/image.png${query}`,
    atlasUrl: (datasetId, tile, page) => `${options.base}/api/datasets/${datasetId}/atlas/${tile}/${page}.webp${query}`,
  };
}
