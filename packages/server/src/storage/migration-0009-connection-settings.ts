import type { Kysely, Migration } from 'kysely';

/**
 * The settings the person gave a connection (a Salesforce login host), as JSON: with the attempt
 * that asks for consent, then with the grant it produced, whose refreshes and revocation use them.
 */
export const connectionSettingsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('connection_attempts').addColumn('connection_settings', 'text').execute();
    await db.schema.alterTable('connectors').addColumn('connection_settings', 'text').execute();
  },
};
