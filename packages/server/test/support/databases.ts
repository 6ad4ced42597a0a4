import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { StorageLocation } from '../../src/storage/database.js';

export type DatabaseKind = 'sqlite' | 'postgres';

/** Every storage test runs once per database; `describe.each(DATABASE_KINDS)`. */
export const DATABASE_KINDS: DatabaseKind[] = ['sqlite', 'postgres'];

export const POSTGRES_URL = process.env.BASE44_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase extends StorageLocation {
  kind: DatabaseKind;
  /** Removes the data directory; a PostgreSQL schema is dropped when the test run ends. */
  dispose(): Promise<void>;
}

/** A database of its own for one test: a new SQLite directory, or a new PostgreSQL schema. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), 'base44-test-'));
  const removeDir = () => rm(dataDir, { recursive: true, force: true });
  if (kind === 'sqlite') return { kind, dataDir, databaseUrl: undefined, dispose: removeDir };

  // Named after the run: vitest.global-setup.ts drops the run's schemas once all tests are done.
  const schema = `t_${process.env.BASE44_TEST_RUN ?? 'adhoc'}_${randomBytes(6).toString('hex')}`;
  await withClient((client) => client.query(`create schema ${schema}`));
  return {
    kind,
    dataDir,
    databaseUrl: `${POSTGRES_URL}?schema=${schema}`,
    /** Removes the data directory; the schema stays until the run ends (see vitest.global-setup.ts). */
    dispose: removeDir,
  };
}

async function withClient<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** The `--data-dir` / `--database-url` flags that point a `base44-server` command at this database. */
export function storageFlags(database: TestDatabase): string[] {
  return [
    '--data-dir',
    database.dataDir,
    ...(database.databaseUrl ? ['--database-url', database.databaseUrl] : []),
  ];
}
