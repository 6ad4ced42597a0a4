import { existsSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { StorageLocation } from '../../src/storage/database.js';

export type Tables = Map<string, Record<string, unknown>[]>;

/**
 * Every row of every table of a database, by table name, read over a connection of its own (the
 * server may be closed); a SQLite file that does not exist reads as no tables.
 */
export async function readTables(location: StorageLocation): Promise<Tables> {
  return location.databaseUrl
    ? readPostgres(location.databaseUrl)
    : readSqlite(join(location.dataDir, 'base44.db'));
}

function readSqlite(file: string): Tables {
  const tables: Tables = new Map();
  if (!existsSync(file)) return tables;
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const names = sqlite
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")
      .pluck()
      .all() as string[];
    for (const name of names) {
      tables.set(name, sqlite.prepare(`select * from "${name}"`).all() as Record<string, unknown>[]);
    }
  } finally {
    sqlite.close();
  }
  return tables;
}

async function readPostgres(databaseUrl: string): Promise<Tables> {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema');
  url.searchParams.delete('schema');
  const client = new pg.Client({
    connectionString: url.toString(),
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
    connectionTimeoutMillis: 5000,
  });
  const tables: Tables = new Map();
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'",
    );
    for (const { table_name } of rows) {
      tables.set(table_name, (await client.query(`select * from "${table_name}"`)).rows);
    }
  } finally {
    await client.end();
  }
  return tables;
}
