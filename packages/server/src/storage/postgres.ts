import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Storage } from './database.js';
import { postgresEvents } from './postgres-events.js';
import { resilientPool } from './postgres-pool.js';
import type { Database } from './schema.js';

const INT8_OID = 20;

/** A pool on the database URL; `?schema=NAME` keeps every table in that schema (created if missing). */
export async function openPostgres(
  databaseUrl: string,
): Promise<{ storage: Storage; schema: string | undefined }> {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema');
  url.searchParams.delete('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`The database URL's schema must be a plain lower-case identifier (got "${schema}")`);
  }
  const connection: pg.ClientConfig = {
    connectionString: url.toString(),
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
    // An unreachable host fails a request within seconds (503) instead of holding it forever.
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
  };
  const pool = new pg.Pool({
    ...connection,
    max: 10,
    // bigint columns hold millisecond timestamps, well within Number's exact range.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: resilientPool(pool) }) });
  if (schema) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  const events = postgresEvents(db as Kysely<unknown>, connection);
  const storage: Storage = {
    db,
    kind: 'postgres',
    events,
    changeMark: undefined,
    async close() {
      await events.close();
      await db.destroy();
    },
  };
  return { storage, schema: schema ?? undefined };
}
