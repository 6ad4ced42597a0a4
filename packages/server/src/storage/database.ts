import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { type EventChannel, inProcessEvents } from './events.js';
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

/** Opens the database the location names and brings its tables up to date. */
export async function openStorage(location: StorageLocation): Promise<Storage> {
  // pg is loaded only for PostgreSQL: a SQLite server never holds it in memory.
  const { storage, schema } = location.databaseUrl
    ? await (await import('./postgres.js')).openPostgres(location.databaseUrl)
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
