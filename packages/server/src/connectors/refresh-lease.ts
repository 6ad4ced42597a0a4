import { randomBytes } from 'node:crypto';
import type { Kysely, Updateable } from 'kysely';
import type { ConnectorsTable, Database } from '../storage/schema.js';
import type { Vault } from '../vault/vault.js';
import { nextConnectorState } from './lifecycle.js';
import { type Connector, tokenContext } from './store.js';

// A refresh of a connector's token holds a lease on its row instead of a row lock: one short write
// takes it, the provider is asked outside any transaction, one short write stores the answer and
// gives the lease back. Every write after the first counts only while the lease is still this
// request's, so a refresh that outlived its lease (or met a re-authorization or a removal, which
// clear the lease) stores nothing. The same statements run on SQLite and PostgreSQL.

type Db = Kysely<Database>;

/** A lease taken on one connector row; `owner` is random, so no other request can hold the same. */
export interface Lease {
  appId: string;
  type: string;
  owner: string;
}

/** Published on the event channel when a lease is given back, for the requests that wait on it. */
export function refreshTopic(appId: string, type: string): string {
  return `refresh/${appId}/${type}`;
}

/**
 * Takes the lease on the connector as it was read: only while it is active, still holds the access
 * token read (each seal differs, so a refresh by anyone meanwhile fails this) and no unexpired lease
 * is held. Undefined when another request holds the lease or the row changed: read it again.
 */
export async function takeLease(
  db: Db,
  connector: Connector,
  now: number,
  lengthMs: number,
): Promise<Lease | undefined> {
  const { appId, type, sealedAccessToken } = connector;
  if (sealedAccessToken === null) return undefined;
  const owner = randomBytes(16).toString('hex');
  const result = await db
    .updateTable('connectors')
    .set({ refresh_lease_owner: owner, refresh_lease_until: now + lengthMs })
    .where('app_id', '=', appId)
    .where('type', '=', type)
    .where('state', '=', 'active')
    .where('access_token', '=', sealedAccessToken)
    .where((eb) => eb.or([eb('refresh_lease_until', 'is', null), eb('refresh_lease_until', '<=', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? { appId, type, owner } : undefined;
}

/** Stores refreshed tokens (a refresh without a new refresh token keeps the old one) and gives the lease back. */
export async function storeRefreshed(
  db: Db,
  vault: Vault,
  lease: Lease,
  tokens: { accessToken: string; refreshToken: string | null; expiresAt: number | null },
  now: number,
): Promise<boolean> {
  const { appId, type } = lease;
  return updateLeased(db, lease, {
    access_token: vault.seal(tokens.accessToken, tokenContext(appId, type, 'access_token')),
    ...(tokens.refreshToken
      ? { refresh_token: vault.seal(tokens.refreshToken, tokenContext(appId, type, 'refresh_token')) }
      : {}),
    expires_at: tokens.expiresAt,
    refreshed_at: now,
    refresh_failure: null,
    updated_at: now,
  });
}

/** The provider could not answer: the lease is given back with the reason, the tokens stay. */
export async function releaseUnavailable(db: Db, lease: Lease, reason: string): Promise<boolean> {
  return updateLeased(db, lease, { refresh_failure: reason });
}

/** The provider refused the refresh token: the connector expires (the one place that says so, once). */
export async function expireRefused(db: Db, lease: Lease, now: number): Promise<boolean> {
  return updateLeased(db, lease, {
    state: nextConnectorState('active', 'refresh_rejected'),
    updated_at: now,
  });
}

async function updateLeased(db: Db, lease: Lease, values: Updateable<ConnectorsTable>): Promise<boolean> {
  const result = await db
    .updateTable('connectors')
    .set({ ...values, refresh_lease_owner: null, refresh_lease_until: null })
    .where('app_id', '=', lease.appId)
    .where('type', '=', lease.type)
    .where('refresh_lease_owner', '=', lease.owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
