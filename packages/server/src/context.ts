import type { Kysely } from 'kysely';
import type { KeyResolver } from './accounts/api-keys.js';
import type { AccessTokenIssuer } from './auth/access-tokens.js';
import type { ServerSecrets } from './auth/server-secrets.js';
import type { ServerConfig } from './config.js';
import type { Database } from './storage/schema.js';

/** The services every route group shares: created once by `buildServer`, passed to each plugin. */
export interface ServerContext {
  config: ServerConfig;
  db: Kysely<Database>;
  secrets: ServerSecrets;
  accessTokens: AccessTokenIssuer;
  /** API keys to their owners, from a cache that a revocation empties. */
  resolveKey: KeyResolver;
  /** Milliseconds since the epoch; tests pass a controllable clock. */
  now: () => number;
}
