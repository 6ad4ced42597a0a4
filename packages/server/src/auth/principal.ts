import type { Kysely } from 'kysely';
import type { KeyResolver } from '../accounts/api-keys.js';
import { findUserById, type User } from '../accounts/users.js';
import type { Database } from '../storage/schema.js';
import { type AccessTokenIssuer, verifyAccessToken } from './access-tokens.js';
import { isLoginAlive } from './refresh-tokens.js';

/** Who is calling: a person (by login token or workspace key), or an app's backend (service key). */
export type Principal =
  | { kind: 'user'; user: User; via: 'access_token' | 'workspace_key' }
  | { kind: 'service'; appId: string; keyId: string };

export type Authentication =
  | { ok: true; principal: Principal }
  | { ok: false; reason: 'missing' | 'invalid' | 'expired' };

export interface Credentials {
  authorization: string | undefined;
  apiKey: string | undefined;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const KEY_PREFIX = /^b44[ks]_/;

export async function authenticate(
  credentials: Credentials,
  deps: { db: Kysely<Database>; accessTokens: AccessTokenIssuer; resolveKey: KeyResolver },
  now: number,
): Promise<Authentication> {
  const bearer = BEARER.exec(credentials.authorization ?? '')?.[1];
  const presented = credentials.apiKey?.trim() || bearer;
  if (!presented) return { ok: false, reason: credentials.authorization ? 'invalid' : 'missing' };

  if (KEY_PREFIX.test(presented)) {
    const key = await deps.resolveKey(presented);
    if (!key) return { ok: false, reason: 'invalid' };
    if (key.kind === 'service')
      return { ok: true, principal: { kind: 'service', appId: key.appId, keyId: key.keyId } };
    const user = await findUserById(deps.db, key.userId);
    return user
      ? { ok: true, principal: { kind: 'user', user, via: 'workspace_key' } }
      : { ok: false, reason: 'invalid' };
  }

  const check = await verifyAccessToken(deps.accessTokens, presented, now);
  if (!check.valid) return { ok: false, reason: check.expired ? 'expired' : 'invalid' };
  // A revoked login (POST /oauth/revoke, `users logout`, a reused refresh token) takes its access tokens along.
  if (!(await isLoginAlive(deps.db, check.claims.gid))) return { ok: false, reason: 'invalid' };
  const user = await findUserById(deps.db, check.claims.uid);
  return user
    ? { ok: true, principal: { kind: 'user', user, via: 'access_token' } }
    : { ok: false, reason: 'invalid' };
}
