import type { Kysely } from 'kysely';
import { hashSecret, newId, newSecret } from '../crypto/random.js';
import type { Database, DeviceAuthorizationsTable } from '../storage/schema.js';
import { generateUserCode } from './user-codes.js';

// RFC 8628 device authorization grant: the CLI holds the device code and polls; the person
// approves the user code in a browser. Each step's decision is a pure function of the record.

export interface DeviceFlowSettings {
  ttlSeconds: number;
  pollIntervalSeconds: number;
}

export interface StartedDeviceAuthorization {
  deviceCode: string;
  userCode: string;
  expiresIn: number;
  interval: number;
}

export type PollDecision =
  | { kind: 'issue'; userId: string; scope: string }
  | { kind: 'wait'; error: 'authorization_pending' | 'slow_down' }
  | { kind: 'refuse'; error: 'access_denied' | 'expired_token' | 'invalid_grant'; description: string };

type DeviceRecord = Pick<
  DeviceAuthorizationsTable,
  'status' | 'user_id' | 'scope' | 'expires_at' | 'last_polled_at' | 'interval_seconds'
>;

/** A poll that comes sooner than this share of the interval is too fast (network jitter aside). */
const EARLY_POLL_TOLERANCE = 0.8;

export function decidePoll(record: DeviceRecord, now: number): PollDecision {
  if (now >= record.expires_at) {
    return {
      kind: 'refuse',
      error: 'expired_token',
      description: 'The device code has expired; log in again',
    };
  }
  switch (record.status) {
    case 'consumed':
      return { kind: 'refuse', error: 'invalid_grant', description: 'The device code was already used' };
    case 'denied':
      return { kind: 'refuse', error: 'access_denied', description: 'The sign-in was denied in the browser' };
    case 'approved':
      return { kind: 'issue', userId: record.user_id!, scope: record.scope };
    case 'pending': {
      const minimumGap = record.interval_seconds * 1000 * EARLY_POLL_TOLERANCE;
      const tooSoon = record.last_polled_at !== null && now - record.last_polled_at < minimumGap;
      return { kind: 'wait', error: tooSoon ? 'slow_down' : 'authorization_pending' };
    }
  }
}

export async function startDeviceAuthorization(
  db: Kysely<Database>,
  request: { clientId: string; scope: string },
  settings: DeviceFlowSettings,
  now: number,
): Promise<StartedDeviceAuthorization> {
  const deviceCode = newSecret();
  for (let attempt = 0; ; attempt++) {
    const userCode = generateUserCode();
    const inserted = await db
      .insertInto('device_authorizations')
      .values({
        id: newId(),
        device_code_hash: hashSecret(deviceCode),
        user_code: userCode,
        client_id: request.clientId,
        scope: request.scope,
        status: 'pending',
        user_id: null,
        interval_seconds: settings.pollIntervalSeconds,
        expires_at: now + settings.ttlSeconds * 1000,
        last_polled_at: null,
        created_at: now,
      })
      .onConflict((conflict) => conflict.column('user_code').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) {
      return { deviceCode, userCode, expiresIn: settings.ttlSeconds, interval: settings.pollIntervalSeconds };
    }
    // 20^8 codes: a collision is rare, and mostly with an expired code that is still stored.
    if (attempt === 5) throw new Error('Could not allocate a unique user code');
    await purgeExpiredDeviceAuthorizations(db, now);
  }
}

/** One poll of the token endpoint: decides, records the poll, and consumes an approved code once. */
export async function pollDeviceAuthorization(
  db: Kysely<Database>,
  deviceCode: string,
  clientId: string,
  now: number,
): Promise<PollDecision> {
  const record = await db
    .selectFrom('device_authorizations')
    .selectAll()
    .where('device_code_hash', '=', hashSecret(deviceCode))
    .executeTakeFirst();
  if (!record || record.client_id !== clientId) {
    return { kind: 'refuse', error: 'invalid_grant', description: 'Unknown device code' };
  }
  const decision = decidePoll(record, now);
  if (decision.kind === 'wait') {
    await db
      .updateTable('device_authorizations')
      .set({ last_polled_at: now })
      .where('id', '=', record.id)
      .execute();
  }
  if (decision.kind === 'issue') {
    // Two polls racing for one approved code: only the one that flips the status gets tokens.
    const consumed = await db
      .updateTable('device_authorizations')
      .set({ status: 'consumed', last_polled_at: now })
      .where('id', '=', record.id)
      .where('status', '=', 'approved')
      .executeTakeFirst();
    if (Number(consumed.numUpdatedRows) === 0) {
      return { kind: 'refuse', error: 'invalid_grant', description: 'The device code was already used' };
    }
  }
  return decision;
}

export type PendingLookup =
  | { found: true; userCode: string; clientId: string; scope: string; expiresAt: number }
  | { found: false };

/** The pending, unexpired authorization a person is about to approve or deny. */
export async function findPendingByUserCode(
  db: Kysely<Database>,
  userCode: string,
  now: number,
): Promise<PendingLookup> {
  const record = await db
    .selectFrom('device_authorizations')
    .select(['user_code', 'client_id', 'scope', 'expires_at'])
    .where('user_code', '=', userCode)
    .where('status', '=', 'pending')
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (!record) return { found: false };
  return {
    found: true,
    userCode: record.user_code,
    clientId: record.client_id,
    scope: record.scope,
    expiresAt: record.expires_at,
  };
}

/** Records the person's decision; false when the code is no longer pending (expired, used, decided). */
export async function decideDeviceAuthorization(
  db: Kysely<Database>,
  userCode: string,
  decision: { approve: true; userId: string } | { approve: false; userId: string },
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('device_authorizations')
    .set({ status: decision.approve ? 'approved' : 'denied', user_id: decision.userId })
    .where('user_code', '=', userCode)
    .where('status', '=', 'pending')
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Expired authorizations serve no purpose and hold user codes: removed at start and now and then. */
export async function purgeExpiredDeviceAuthorizations(db: Kysely<Database>, now: number): Promise<void> {
  await db.deleteFrom('device_authorizations').where('expires_at', '<=', now).execute();
}
