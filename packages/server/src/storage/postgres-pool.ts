import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { HttpError, serviceUnavailable } from '../http/errors.js';

/** Connection errors and the SQLSTATEs of a server that is going away, starting up or full. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down)
  '53300', // too_many_connections
]);

const UNAVAILABLE_MESSAGES = /Connection terminated|not queryable|timeout exceeded when trying to connect/;

/**
 * The pool as Kysely uses it, made to survive PostgreSQL going away and coming back: a dropped
 * connection (idle or in use) is discarded instead of ending the process with an unhandled
 * `error` event, and every failure that means "the database cannot be reached" becomes a 503
 * the client can retry. The next checkout connects anew, so service resumes by itself.
 */
export function resilientPool(pool: pg.Pool): PostgresPool {
  // pg-pool drops an idle client that errors, then re-emits the error here: nothing else to do.
  pool.on('error', () => {});
  // A client in use whose connection dies also emits `error`; its query fails and Kysely releases it.
  pool.on('connect', (client) => client.on('error', () => {}));
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect().catch(rethrowUnavailable);
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = {
          query: ((text: unknown, parameters?: unknown[]) =>
            typeof text === 'string'
              ? client.query(text, parameters).catch(rethrowUnavailable)
              : client.query(text as pg.Submittable)) as unknown as PostgresPoolClient['query'],
          release: (destroy) => client.release(destroy),
        };
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

function rethrowUnavailable(error: unknown): never {
  throw isUnavailable(error)
    ? serviceUnavailable(
        `PostgreSQL cannot be reached (${describe(error)}): try again in a few seconds`,
        'database_unavailable',
      )
    : error;
}

export function isUnavailable(error: unknown): boolean {
  if (error instanceof HttpError) return error.statusCode === 503;
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message);
}

function describe(error: unknown): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof message === 'string' && message !== '') return message;
  return typeof code === 'string' ? code : String(error);
}
