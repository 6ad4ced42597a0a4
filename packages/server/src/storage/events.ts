import { EventEmitter } from 'node:events';

/**
 * Wakes whoever waits on a topic (a long-poll on a connection id). Within one process for SQLite;
 * through PostgreSQL LISTEN/NOTIFY when several server instances share one database.
 */
export interface EventChannel {
  /** Starts listening; a serving instance calls it at start so no event slips past. */
  start(): Promise<void>;
  publish(topic: string): Promise<void>;
  subscribe(handler: (topic: string) => void): () => void;
  close(): Promise<void>;
}

/** The PostgreSQL NOTIFY channel, and the in-process event name. */
export const CHANNEL = 'base44_events';

export function inProcessEvents(): EventChannel {
  const emitter = new EventEmitter().setMaxListeners(0);
  return {
    async start() {},
    async publish(topic) {
      emitter.emit(CHANNEL, topic);
    },
    subscribe(handler) {
      emitter.on(CHANNEL, handler);
      return () => emitter.off(CHANNEL, handler);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}

/**
 * What every subscriber also hears after the channel was cut off for a while: events may have been
 * missed, so whoever waits reads again.
 */
export const ANY_TOPIC = '*';
