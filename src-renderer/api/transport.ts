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
  /** Server origin, e.g. http://127.0.0.1:4178 ('' for the page's own, where relative URLs work). */
  origin: string;
  /** The page's own origin for the WebSocket URL when `origin` is ''. */
  socketOrigin: string;
  /** Sent as a header and query; a page served by `latent-lab serve` relies on its cookie instead. */
  token?: string;
  openSocket: OpenSocket;
}

/** HTTP POST /api/<method> for calls; one shared WebSocket /api/events, reconnecting, for events. */
export function httpTransport(options: HttpTransportOptions): Transport {
  const listeners = new Set<(event: ApiEvent) => void>();
  let socket: { close(): void } | null = null;
  let retryMs = 500;
  const query = options.token ? `?token=${encodeURIComponent(options.token)}` : '';

  function connect(): void {
    const base = (options.origin || options.socketOrigin).replace(/^http/, 'ws');
    socket = options.openSocket(`${base}/api/events${query}`, {
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
      const response = await fetch(`${options.origin}/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}) },
        body: JSON.stringify(input ?? {}),
        credentials: 'same-origin',
      });
      try {
        return (await response.json()) as ApiResult<unknown>;
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
    imageUrl: (itemId) => `${options.origin}/api/items/${itemId}/image.png${query}`,
    atlasUrl: (datasetId, tile, page) => `${options.origin}/api/datasets/${datasetId}/atlas/${tile}/${page}.webp${query}`,
  };
}
