import type { Kysely, Migration } from 'kysely';

/** When each API key was last presented, to the hour (accounts/key-use.ts): what `keys list` shows. */
export const keyLastUsedMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('api_keys').addColumn('last_used_at', 'bigint').execute();
  },
};
