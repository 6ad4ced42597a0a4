import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { ANY_TOPIC, CHANNEL, type EventChannel, inProcessEvents } from './events.js';

const RECONNECT_DELAY_MS = 1000;

/**
 * LISTENs on a connection of its own, and reconnects when PostgreSQL goes away and comes back
 * (then wakes every waiter with ANY_TOPIC). Events published here are also delivered here at once,
 * so this instance's waiters do not depend on the listening connection.
 */
export function postgresEvents(db: Kysely<unknown>, connection: pg.ClientConfig): EventChannel {
  const local = inProcessEvents();
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let cutOff = false;

  const connect = async () => {
    const next = new pg.Client(connection);
    let lost = false;
    // Error and end both follow a lost connection; only the first one schedules the reconnect.
    const onLost = () => {
      if (lost) return;
      lost = true;
      if (client === next) client = undefined;
      cutOff = true;
      reconnectSoon();
    };
    next.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload) void local.publish(message.payload);
    });
    next.on('error', onLost);
    next.on('end', onLost);
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANNEL}`);
    } catch {
      onLost();
      await next.end().catch(() => undefined);
      return;
    }
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    if (cutOff) {
      cutOff = false;
      void local.publish(ANY_TOPIC);
    }
  };
  const reconnectSoon = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, RECONNECT_DELAY_MS);
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
      await local.publish(topic);
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
      await current?.end().catch(() => undefined);
      await local.close();
    },
  };
}
