import type { Kysely } from 'kysely';
import { hashSecret, newId, newSecret } from '../crypto/random.js';
import type { Database } from '../storage/schema.js';

export interface RefreshGrant {
  userId: string;
  clientId: string;
  scope: string;
}

/** A login: its grant, and the id of its refresh token family, which its access tokens carry as `gid`. */
export interface Login extends RefreshGrant {
  familyId: string;
}

export type RotationResult =
  | { ok: true; grant: Login; refreshToken: string }
  | { ok: false; reason: 'unknown' | 'expired' | 'reused' | 'revoked' | 'wrong_client' };

/** Starts a new family of refresh tokens (one login). */
export async function issueRefreshToken(
  db: Kysely<Database>,
  grant: RefreshGrant,
  ttlSeconds: number,
  now: number,
): Promise<{ refreshToken: string; login: Login }> {
  const familyId = newId();
  const refreshToken = await insertToken(db, grant, familyId, ttlSeconds, now);
  return { refreshToken, login: { ...grant, familyId } };
}

/**
 * Exchanges a refresh token for its successor. Each token works once: presenting a used one
 * means it leaked (RFC 9700 §4.14.2), so the whole family is revoked and the login ends.
 */
export async function rotateRefreshToken(
  db: Kysely<Database>,
  presented: string,
  clientId: string,
  ttlSeconds: number,
  now: number,
): Promise<RotationResult> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('token_hash', '=', hashSecret(presented))
      .executeTakeFirst();
    if (!row) return { ok: false, reason: 'unknown' } as const;
    if (row.client_id !== clientId) return { ok: false, reason: 'wrong_client' } as const;
    if (row.revoked_at !== null) return { ok: false, reason: 'revoked' } as const;
    if (row.expires_at <= now) return { ok: false, reason: 'expired' } as const;

    const claimed = await trx
      .updateTable('refresh_tokens')
      .set({ used_at: now })
      .where('id', '=', row.id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) {
      await trx
        .updateTable('refresh_tokens')
        .set({ revoked_at: now })
        .where('family_id', '=', row.family_id)
        .where('revoked_at', 'is', null)
        .execute();
      return { ok: false, reason: 'reused' } as const;
    }
    const grant = { userId: row.user_id, clientId: row.client_id, scope: row.scope, familyId: row.family_id };
    const refreshToken = await insertToken(trx, grant, row.family_id, ttlSeconds, now);
    return { ok: true, grant, refreshToken } as const;
  });
}

/**
 * RFC 7009: ends the login a refresh token belongs to (used or not), if it was issued to
 * `clientId`; its access tokens fail from then on (their `gid` names a revoked family).
 * Answers whether a login was found; the caller answers 200 either way.
 */
export async function revokeByRefreshToken(
  db: Kysely<Database>,
  presented: string,
  clientId: string,
  now: number,
): Promise<boolean> {
  const row = await db
    .selectFrom('refresh_tokens')
    .select(['family_id', 'client_id'])
    .where('token_hash', '=', hashSecret(presented))
    .executeTakeFirst();
  if (!row || row.client_id !== clientId) return false;
  await revokeFamily(db, row.family_id, now);
  return true;
}

export async function revokeFamily(db: Kysely<Database>, familyId: string, now: number): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Ends every CLI login of a user (`users logout`); answers how many logins were still alive. */
export async function revokeUserLogins(db: Kysely<Database>, userId: string, now: number): Promise<number> {
  const alive = await db
    .selectFrom('refresh_tokens')
    .select('family_id')
    .distinct()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .execute();
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
  return alive.length;
}

/**
 * Whether an access token's login still stands: some token of its family is not revoked. (Rotation
 * marks the old token used, never revoked; revocation, reuse and `users logout` revoke them all.)
 */
export async function isLoginAlive(db: Kysely<Database>, familyId: string): Promise<boolean> {
  const row = await db
    .selectFrom('refresh_tokens')
    .select('id')
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

async function insertToken(
  db: Kysely<Database>,
  grant: RefreshGrant,
  familyId: string,
  ttlSeconds: number,
  now: number,
): Promise<string> {
  const token = newSecret();
  await db
    .insertInto('refresh_tokens')
    .values({
      id: newId(),
      token_hash: hashSecret(token),
      family_id: familyId,
      user_id: grant.userId,
      client_id: grant.clientId,
      scope: grant.scope,
      expires_at: now + ttlSeconds * 1000,
      used_at: null,
      revoked_at: null,
      created_at: now,
    })
    .execute();
  return token;
}
