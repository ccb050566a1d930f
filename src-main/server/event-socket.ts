import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventHub } from '../api/events.ts';

/** WebSocket /api/events: every API event, as one JSON message `{type, data}`, to every connected page. */
export class EventSocket {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  private readonly heartbeat: NodeJS.Timeout;

  constructor(events: EventHub) {
    this.wss.on('connection', (socket: WebSocket) => {
      const unsubscribe = events.subscribe((event) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(event));
      });
      socket.on('close', unsubscribe);
      socket.on('error', unsubscribe);
      // The page only listens; anything it sends is ignored.
      socket.on('message', () => undefined);
    });
    this.heartbeat = setInterval(() => {
      for (const socket of this.wss.clients) socket.ping();
    }, 30_000);
    this.heartbeat.unref();
  }

  accept(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  get clients(): number {
    return this.wss.clients.size;
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const socket of this.wss.clients) socket.terminate();
    this.wss.close();
  }
}

/** Refuses an upgrade before it becomes a WebSocket. */
export function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  socket.end(`HTTP/1.1 ${status} Refused\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\nConnection: close\r\n\r\n${message}`);
}
