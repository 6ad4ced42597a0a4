import type { Kysely } from 'kysely';
import type { ProviderRegistry } from '../broker/registry.js';
import type { EventChannel } from '../storage/events.js';
import type { Database } from '../storage/schema.js';
import type { Vault } from '../vault/vault.js';

/** What the connector operations share; built once by `buildServer`. */
export interface ConnectorContext {
  db: Kysely<Database>;
  /** PostgreSQL locks the app row while changing its connectors; SQLite has one writer anyway. */
  rowLocks: boolean;
  vault: Vault;
  events: EventChannel;
  providers: ProviderRegistry;
  publicUrl: string;
  now: () => number;
}

/** The one redirect URI registered with every provider. */
export function callbackUrl(context: Pick<ConnectorContext, 'publicUrl'>): string {
  return `${context.publicUrl}/oauth/callback`;
}
