import type { Kysely } from 'kysely';
import { hashSecret, newId, newSecret } from '../crypto/random.js';
import type { Database } from '../storage/schema.js';

export interface RefreshGrant {
  userId: string;
  clientId: string;
  scope: string;
}

export type RotationResult =
  | { ok: true; grant: RefreshGrant; refreshToken: string }
  | { ok: false; reason: 'unknown' | 'expired' | 'reused' | 'revoked' | 'wrong_client' };

/** Starts a new family of refresh tokens (one login). */
export async function issueRefreshToken(
  db: Kysely<Database>,
  grant: RefreshGrant,
  ttlSeconds: number,
  now: number,
): Promise<string> {
  return insertToken(db, grant, newId(), ttlSeconds, now);
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
    const grant = { userId: row.user_id, clientId: row.client_id, scope: row.scope };
    const refreshToken = await insertToken(trx, grant, row.family_id, ttlSeconds, now);
    return { ok: true, grant, refreshToken } as const;
  });
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
