import { EventEmitter } from 'node:events';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';

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

const CHANNEL = 'base44_events';

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

/** LISTENs on a connection of its own, and reconnects when PostgreSQL goes away and comes back. */
export function postgresEvents(db: Kysely<unknown>, connection: pg.ClientConfig): EventChannel {
  const local = inProcessEvents();
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async () => {
    const next = new pg.Client(connection);
    next.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload) void local.publish(message.payload);
    });
    next.on('error', () => reconnectSoon());
    next.on('end', () => reconnectSoon());
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANNEL}`);
      client = next;
    } catch {
      next.removeAllListeners();
      next.on('error', () => {}); // a late error of the abandoned client must not crash the process
      await next.end().catch(() => undefined);
      reconnectSoon();
    }
  };
  const reconnectSoon = () => {
    client = undefined;
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, 1000);
    retry.unref();
  };
  // Only a process that waits on events (a serving instance) needs the listening connection.
  let ready: Promise<void> | undefined;

  const start = () => {
    ready ??= connect();
    return ready;
  };
  return {
    start,
    async publish(topic) {
      await sql`select pg_notify(${CHANNEL}, ${topic})`.execute(db);
    },
    subscribe(handler) {
      void start();
      return local.subscribe(handler);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      await ready;
      const current = client;
      client = undefined;
      current?.removeAllListeners();
      await current?.end().catch(() => undefined);
      await local.close();
    },
  };
}
