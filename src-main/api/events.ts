import type { ApiEvent, ApiEvents } from '../contract/contract.ts';
import type { Logger } from './errors.ts';
import type { EventName } from '../contract/method-names.ts';

export type EventListener = (event: ApiEvent) => void;

/** Fan-out of typed API events to every subscribed transport. */
export class EventHub {
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly log: Logger) {}

  emit<K extends EventName>(type: K, data: ApiEvents[K]): void {
    const event = { type, data } as ApiEvent;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.log(`event listener failed on ${type}`, error);
      }
    }
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
