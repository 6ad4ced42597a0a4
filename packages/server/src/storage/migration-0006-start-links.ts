import type { Kysely, Migration } from 'kysely';

/** When an attempt's start link sent the browser to the provider: the link works once (connectors/start-link.ts). */
export const startLinksMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('connection_attempts').addColumn('departed_at', 'bigint').execute();
  },
};
