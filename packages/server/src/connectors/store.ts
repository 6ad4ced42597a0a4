import type { Kysely, Selectable, Updateable } from 'kysely';
import type { ConnectorState, ConnectorsTable, Database } from '../storage/schema.js';
import type { Vault } from '../vault/vault.js';
import { type ConnectorEvent, nextConnectorState } from './lifecycle.js';

export interface Connector {
  appId: string;
  type: string;
  scopes: string[];
  state: ConnectorState;
  userId: string | null;
  accountEmail: string | null;
  grantedScopes: string[] | null;
  /** Sealed; `openTokens` reads them. */
  sealedAccessToken: string | null;
  sealedRefreshToken: string | null;
  expiresAt: number | null;
  connectionConfig: Record<string, unknown> | null;
  connectedAt: number | null;
  refreshedAt: number | null;
  /** Who is refreshing the token, until when (see refresh-lease.ts). */
  refreshLease: { owner: string; until: number } | null;
  /** Why the last refresh found the provider unavailable. */
  refreshFailure: string | null;
  /** The settings the grant was given; null for a grant from before settings existed (the defaults). */
  settings: Record<string, string> | null;
}

export interface Grant {
  userId: string;
  scopes: string[];
  grantedScopes: string[];
  accountEmail: string | null;
  accessToken: string;
  refreshToken: string | null;
  expiresAt: number | null;
  connectionConfig: Record<string, unknown>;
  /** The settings the consent was asked with, defaults filled in. */
  settings?: Record<string, string>;
}

type Db = Kysely<Database>;

export async function findConnector(
  db: Db,
  appId: string,
  type: string,
  forUpdate = false,
): Promise<Connector | undefined> {
  let query = db.selectFrom('connectors').selectAll().where('app_id', '=', appId).where('type', '=', type);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && toConnector(row);
}

export async function listConnectors(db: Db, appId: string): Promise<Connector[]> {
  const rows = await db
    .selectFrom('connectors')
    .selectAll()
    .where('app_id', '=', appId)
    .orderBy('type')
    .execute();
  return rows.map(toConnector);
}

/** Records the scopes the app asks for and that consent is on its way. */
export async function requestConsent(
  db: Db,
  appId: string,
  type: string,
  scopes: string[],
  now: number,
): Promise<void> {
  const existing = await findConnector(db, appId, type);
  const state = nextConnectorState(existing?.state, 'consent_requested');
  if (existing) {
    await updateConnector(db, appId, type, { scopes: JSON.stringify(scopes), state, updated_at: now });
    return;
  }
  await db
    .insertInto('connectors')
    .values({
      app_id: appId,
      type,
      scopes: JSON.stringify(scopes),
      state,
      user_id: null,
      account_email: null,
      granted_scopes: null,
      access_token: null,
      refresh_token: null,
      expires_at: null,
      connection_config: null,
      connected_at: null,
      refreshed_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

export async function setScopes(
  db: Db,
  appId: string,
  type: string,
  scopes: string[],
  now: number,
): Promise<void> {
  await updateConnector(db, appId, type, { scopes: JSON.stringify(scopes), updated_at: now });
}

/** Stores a completed authorization: the connector becomes active with the new, sealed tokens. */
export async function storeGrant(
  db: Db,
  vault: Vault,
  appId: string,
  type: string,
  grant: Grant,
  now: number,
): Promise<void> {
  const existing = await findConnector(db, appId, type);
  const state = nextConnectorState(existing?.state ?? 'pending', 'authorized');
  const seal = (field: string, value: string | null) =>
    value === null ? null : vault.seal(value, tokenContext(appId, type, field));
  const values = {
    scopes: JSON.stringify(grant.scopes),
    state,
    user_id: grant.userId,
    account_email: grant.accountEmail,
    granted_scopes: JSON.stringify(grant.grantedScopes),
    access_token: seal('access_token', grant.accessToken),
    refresh_token: seal('refresh_token', grant.refreshToken),
    expires_at: grant.expiresAt,
    connection_config: storedConnectionConfig(grant.connectionConfig),
    connected_at: now,
    refreshed_at: null,
    updated_at: now,
    // A refresh still running holds tokens of the old grant: it loses its lease and stores nothing.
    refresh_lease_owner: null,
    refresh_lease_until: null,
    refresh_failure: null,
    connection_settings: JSON.stringify(grant.settings ?? {}),
  };
  if (existing) {
    await updateConnector(db, appId, type, values);
  } else {
    await db
      .insertInto('connectors')
      .values({ app_id: appId, type, created_at: now, ...values })
      .execute();
  }
}

export async function applyEvent(
  db: Db,
  connector: Connector,
  event: ConnectorEvent,
  now: number,
): Promise<void> {
  await updateConnector(db, connector.appId, connector.type, {
    state: nextConnectorState(connector.state, event),
    updated_at: now,
  });
}

export async function deleteConnector(db: Db, appId: string, type: string): Promise<boolean> {
  await db.deleteFrom('connection_attempts').where('app_id', '=', appId).where('type', '=', type).execute();
  const result = await db
    .deleteFrom('connectors')
    .where('app_id', '=', appId)
    .where('type', '=', type)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The app's revision: it moves on with every change of the app's connectors. `forUpdate` locks the row (PostgreSQL). */
export async function readRevision(db: Db, appId: string, forUpdate = false): Promise<number> {
  let query = db.selectFrom('apps').select('revision').where('id', '=', appId);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.revision);
}

export async function bumpRevision(db: Db, appId: string): Promise<void> {
  await db
    .updateTable('apps')
    .set((eb) => ({ revision: eb('revision', '+', 1) }))
    .where('id', '=', appId)
    .execute();
}

export function openTokens(
  vault: Vault,
  connector: Connector,
): { accessToken: string | null; refreshToken: string | null } {
  const open = (field: string, sealed: string | null) =>
    sealed === null ? null : vault.open(sealed, tokenContext(connector.appId, connector.type, field));
  return {
    accessToken: open('access_token', connector.sealedAccessToken),
    refreshToken: open('refresh_token', connector.sealedRefreshToken),
  };
}

/** The access token alone: what the token API answers, one decryption instead of two. */
export function openAccessToken(vault: Vault, connector: Connector): string {
  if (connector.sealedAccessToken === null) throw new Error(`${connector.type} holds no access token`);
  return vault.open(
    connector.sealedAccessToken,
    tokenContext(connector.appId, connector.type, 'access_token'),
  );
}

async function updateConnector(
  db: Db,
  appId: string,
  type: string,
  values: Updateable<ConnectorsTable>,
): Promise<void> {
  await db
    .updateTable('connectors')
    .set(values)
    .where('app_id', '=', appId)
    .where('type', '=', type)
    .execute();
}

/** Binds a sealed token to its row and field, so it cannot be moved to another connector. */
export function tokenContext(appId: string, type: string, field: string): string {
  return `connector/${appId}/${type}/${field}`;
}

function toConnector(row: Selectable<ConnectorsTable>): Connector {
  return {
    appId: row.app_id,
    type: row.type,
    scopes: JSON.parse(row.scopes),
    state: row.state,
    userId: row.user_id,
    accountEmail: row.account_email,
    grantedScopes: row.granted_scopes === null ? null : JSON.parse(row.granted_scopes),
    sealedAccessToken: row.access_token,
    sealedRefreshToken: row.refresh_token,
    expiresAt: row.expires_at,
    connectionConfig: connectionConfigOf(row.connection_config),
    connectedAt: row.connected_at,
    refreshedAt: row.refreshed_at,
    refreshLease:
      row.refresh_lease_owner === null || row.refresh_lease_until === null
        ? null
        : { owner: row.refresh_lease_owner, until: row.refresh_lease_until },
    refreshFailure: row.refresh_failure,
    settings: row.connection_settings === null ? null : JSON.parse(row.connection_settings),
  };
}

/**
 * What the token API hands back as `connection_config`: the grant's settings and the values of the
 * token response. The catalog refuses an entry that gives both the same name; should stored values
 * ever meet one, the provider's answer wins, being what the account is.
 */
export function connectionConfigFor(connector: Connector): Record<string, unknown> | null {
  const config = { ...connector.settings, ...connector.connectionConfig };
  return Object.keys(config).length > 0 ? config : null;
}

/**
 * A connector without config values has none: the SDK reads `connection_config: null`, never `{}`.
 * Both directions normalise, so rows written as "{}" before read as null too.
 */
function storedConnectionConfig(config: Record<string, unknown>): string | null {
  return Object.keys(config).length === 0 ? null : JSON.stringify(config);
}

function connectionConfigOf(stored: string | null): Record<string, unknown> | null {
  const config: Record<string, unknown> | null = stored === null ? null : JSON.parse(stored);
  return config && Object.keys(config).length > 0 ? config : null;
}
