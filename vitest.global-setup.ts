import { randomBytes } from 'node:crypto';
import pg from 'pg';

const POSTGRES_URL = process.env.BASE44_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Every test schema of this run is named `t_<run>_…` and dropped here, once, after all tests.
 * Dropping schemas while other test files migrate theirs races Kysely's migrator, which reads the
 * catalog of every schema ("schema … does not exist" mid-query).
 */
export default function setup(): () => Promise<void> {
  const run = randomBytes(3).toString('hex');
  process.env.BASE44_TEST_RUN = run;
  return async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    try {
      await client.connect();
      const { rows } = await client.query<{ nspname: string }>(
        'select nspname from pg_namespace where nspname like $1',
        [`t\\_${run}\\_%`],
      );
      for (const { nspname } of rows) await client.query(`drop schema if exists ${nspname} cascade`);
    } catch {
      // No PostgreSQL here: the storage tests said so already.
    } finally {
      await client.end().catch(() => undefined);
    }
  };
}
