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
  /** Recorded at most once an hour per key and instance; null until first used. */
  last_used_at: Millis | null;
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

/** What a connector is doing now; the lifecycle module owns every change of it. */
export type ConnectorState = 'pending' | 'active' | 'expired' | 'disconnected';

export interface ConnectorsTable {
  app_id: string;
  type: string;
  /** JSON array: the scopes the app's connector file asks for. */
  scopes: string;
  state: ConnectorState;
  /** The member who authorized it; other members meet `different_user`. */
  user_id: string | null;
  account_email: string | null;
  /** JSON array: the scopes the stored grant covers. */
  granted_scopes: string | null;
  /** Sealed by the vault, like every secret below. */
  access_token: string | null;
  refresh_token: string | null;
  expires_at: Millis | null;
  /** JSON object handed to backend code with the token (e.g. Salesforce's instance_url). */
  connection_config: string | null;
  connected_at: Millis | null;
  refreshed_at: Millis | null;
  created_at: Millis;
  updated_at: Millis;
  /** The random id of the request refreshing the token, and until when that lease holds. */
  refresh_lease_owner: string | null;
  refresh_lease_until: Millis | null;
  /** Why the last refresh found the provider unavailable; cleared by the next success. */
  refresh_failure: string | null;
  /** JSON object: the settings the grant was given (each declared field, defaults filled in); null before there were any. */
  connection_settings: string | null;
}

export type AttemptStatus = 'PENDING' | 'ACTIVE' | 'FAILED';

/** One run through a provider's consent page: the `connection_id` of the API. */
export interface ConnectionAttemptsTable {
  id: string;
  app_id: string;
  type: string;
  scopes: string;
  user_id: string;
  status: AttemptStatus;
  /** Set when the browser leaves for the provider; cleared when the callback uses it. */
  state_hash: string | null;
  code_verifier: string | null;
  failure_reason: string | null;
  expires_at: Millis;
  created_at: Millis;
  completed_at: Millis | null;
  /** When the start link's Continue sent the browser to the provider; the link works once. */
  departed_at: Millis | null;
  /** JSON object: the settings this consent is asked with, defaults filled in. */
  connection_settings: string | null;
}

/** The sandbox provider's records (oidc-provider's adapter): keys hashed, payloads sealed. */
export interface SandboxRecordsTable {
  key: string;
  model: string;
  grant_id: string | null;
  uid_hash: string | null;
  user_code_hash: string | null;
  payload: string;
  expires_at: Millis | null;
}

/** What happened to an app's connectors, and who did it; `src/audit/events.ts` names the actions. */
export interface AuditEventsTable {
  id: Generated<number>;
  app_id: string;
  /** The member who did it; null once that user is deleted. */
  actor_user_id: string | null;
  action: string;
  integration_type: string | null;
  /** JSON object: scopes, account email, what a push changed. Never a token. */
  detail: string;
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
  connectors: ConnectorsTable;
  connection_attempts: ConnectionAttemptsTable;
  audit_events: AuditEventsTable;
  sandbox_records: SandboxRecordsTable;
}
