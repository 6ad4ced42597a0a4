import type { Kysely, Migration } from 'kysely';

/** Counts of guesses at passwords and user codes (src/auth/lockouts.ts); keys are stored hashed. */
export const lockoutsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('lockouts')
      .addColumn('key_hash', 'text', (c) => c.primaryKey())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('window_started_at', 'bigint', (c) => c.notNull())
      .addColumn('locked_until', 'bigint')
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('lockouts_expiry').on('lockouts').column('expires_at').execute();
  },
};
