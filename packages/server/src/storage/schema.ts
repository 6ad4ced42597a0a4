import type { Generated } from 'kysely';

/** Every timestamp is milliseconds since the epoch, so SQLite and PostgreSQL store it alike. */
type Millis = number;

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: Millis;
}

export interface AppsTable {
  id: string;
  name: string;
  revision: Generated<number>;
  created_at: Millis;
}

export type AppRole = 'owner' | 'member';

export interface AppMembersTable {
  app_id: string;
  user_id: string;
  role: AppRole;
  created_at: Millis;
}

export type ApiKeyKind = 'workspace' | 'service';

export interface ApiKeysTable {
  id: string;
  kind: ApiKeyKind;
  secret_hash: string;
  user_id: string | null;
  app_id: string | null;
  created_at: Millis;
  revoked_at: Millis | null;
}

export type DeviceAuthorizationStatus = 'pending' | 'approved' | 'denied' | 'consumed';

export interface DeviceAuthorizationsTable {
  id: string;
  device_code_hash: string;
  user_code: string;
  client_id: string;
  scope: string;
  status: DeviceAuthorizationStatus;
  user_id: string | null;
  interval_seconds: number;
  expires_at: Millis;
  last_polled_at: Millis | null;
  created_at: Millis;
}

export interface RefreshTokensTable {
  id: string;
  token_hash: string;
  family_id: string;
  user_id: string;
  client_id: string;
  scope: string;
  expires_at: Millis;
  used_at: Millis | null;
  revoked_at: Millis | null;
  created_at: Millis;
}

export interface WebSessionsTable {
  id_hash: string;
  user_id: string;
  expires_at: Millis;
  created_at: Millis;
}

export interface Database {
  users: UsersTable;
  apps: AppsTable;
  app_members: AppMembersTable;
  api_keys: ApiKeysTable;
  device_authorizations: DeviceAuthorizationsTable;
  refresh_tokens: RefreshTokensTable;
  web_sessions: WebSessionsTable;
}
