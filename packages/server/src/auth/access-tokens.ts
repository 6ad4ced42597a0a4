import { errors, jwtVerify, SignJWT } from 'jose';
import type { User } from '../accounts/users.js';
import { JWT_ALGORITHM, type SigningKey } from './server-secrets.js';

/**
 * The public CLI reads `sub` (the email) and `exp` unverified; the server trusts only `uid`, and
 * `gid`: the login (refresh token family) the token was issued for, which must not be revoked.
 */
export interface AccessTokenClaims {
  uid: string;
  sub: string;
  scope: string;
  client_id: string;
  gid: string;
}

export interface AccessTokenIssuer {
  issuer: string;
  key: SigningKey;
  ttlSeconds: number;
}

export type AccessTokenCheck =
  | { valid: true; claims: AccessTokenClaims }
  | { valid: false; expired: boolean };

const AUDIENCE = 'base44-api';

export async function issueAccessToken(
  settings: AccessTokenIssuer,
  grant: { user: User; scope: string; clientId: string; grantId: string },
  nowMillis: number,
): Promise<{ token: string; expiresIn: number }> {
  const issuedAt = Math.floor(nowMillis / 1000);
  const token = await new SignJWT({
    uid: grant.user.id,
    scope: grant.scope,
    client_id: grant.clientId,
    gid: grant.grantId,
  })
    .setProtectedHeader({ alg: JWT_ALGORITHM, kid: settings.key.kid, typ: 'at+jwt' })
    .setSubject(grant.user.email)
    .setIssuer(settings.issuer)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + settings.ttlSeconds)
    .sign(settings.key.privateKey);
  return { token, expiresIn: settings.ttlSeconds };
}

export async function verifyAccessToken(
  settings: AccessTokenIssuer,
  token: string,
  nowMillis: number,
): Promise<AccessTokenCheck> {
  try {
    const { payload } = await jwtVerify(token, settings.key.publicKey, {
      issuer: settings.issuer,
      audience: AUDIENCE,
      algorithms: [JWT_ALGORITHM],
      typ: 'at+jwt',
      currentDate: new Date(nowMillis),
    });
    const { uid, sub, scope, client_id, gid } = payload;
    if (
      typeof uid !== 'string' ||
      typeof sub !== 'string' ||
      typeof scope !== 'string' ||
      typeof gid !== 'string'
    ) {
      return { valid: false, expired: false };
    }
    return { valid: true, claims: { uid, sub, scope, client_id: String(client_id), gid } };
  } catch (error) {
    return { valid: false, expired: error instanceof errors.JWTExpired };
  }
}
