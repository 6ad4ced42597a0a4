import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { type EventChannel, inProcessEvents, postgresEvents } from './events.js';
import { migrationProvider } from './migrations.js';
import type { Database } from './schema.js';
import { type ChangeMark, sqliteConnection } from './sqlite-statements.js';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface Storage {
  db: Kysely<Database>;
  kind: DatabaseKind;
  events: EventChannel;
  /**
   * A value that moves whenever the database may have changed, for caches that must never serve a
   * stale row. SQLite answers it from memory; PostgreSQL has no such cheap signal (another instance
   * may commit at any moment), so there it is undefined and callers read the rows every time.
   */
  changeMark: ChangeMark | undefined;
  close(): Promise<void>;
}

export interface StorageLocation {
  /** `postgres://…`, optionally with `?schema=NAME` to keep all tables in that schema. */
  databaseUrl: string | undefined;
  /** Used for SQLite (`DIR/base44.db`) when there is no database URL. */
  dataDir: string;
}

const INT8_OID = 20;

/** Opens the database the location names and brings its tables up to date. */
export async function openStorage(location: StorageLocation): Promise<Storage> {
  const { storage, schema } = location.databaseUrl
    ? await openPostgres(location.databaseUrl)
    : { storage: openSqlite(location.dataDir), schema: undefined };
  try {
    await migrateToLatest(storage.db, schema);
  } catch (error) {
    await storage.close();
    throw error;
  }
  return storage;
}

function openSqlite(dataDir: string): Storage {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = new SQLite(join(dataDir, 'base44.db'));
  file.pragma('journal_mode = WAL');
  file.pragma('synchronous = NORMAL');
  file.pragma('foreign_keys = ON');
  file.pragma('busy_timeout = 5000');
  const { database, changeMark } = sqliteConnection(file);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  const events = inProcessEvents();
  return {
    db,
    kind: 'sqlite',
    events,
    changeMark,
    async close() {
      await events.close();
      await db.destroy();
    },
  };
}

async function openPostgres(databaseUrl: string): Promise<{ storage: Storage; schema: string | undefined }> {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema');
  url.searchParams.delete('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`The database URL's schema must be a plain lower-case identifier (got "${schema}")`);
  }
  const connection: pg.ClientConfig = {
    connectionString: url.toString(),
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
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
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
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

/** `schema` must be named when there is one: unnamed, Kysely finds its lock table in any schema. */
async function migrateToLatest(db: Kysely<Database>, schema: string | undefined): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(`Database migration failed${name}: ${error instanceof Error ? error.message : error}`);
  }
}
