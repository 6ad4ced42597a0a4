import type { Kysely, Migration } from 'kysely';

/**
 * Who is refreshing a connector's token, until when, and why the last attempt failed
 * (src/connectors/refresh-lease.ts): the refresh holds a lease instead of a row lock.
 */
export const refreshLeaseMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('connectors').addColumn('refresh_lease_owner', 'text').execute();
    await db.schema.alterTable('connectors').addColumn('refresh_lease_until', 'bigint').execute();
    await db.schema.alterTable('connectors').addColumn('refresh_failure', 'text').execute();
  },
};
