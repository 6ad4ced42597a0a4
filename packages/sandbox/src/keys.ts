import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'oidc-provider';

/** A fresh RS256 key for ID tokens (RS256 is what OIDC clients expect when they are told nothing else). */
export async function generateSigningKeys(): Promise<{ keys: JWK[] }> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { keys: [{ ...jwk, kid: randomUUID(), alg: 'RS256', use: 'sig' } as JWK] };
}

/** Keys that sign oidc-provider's session and interaction cookies; they live as long as the provider. */
export function generateCookieKeys(): string[] {
  return [randomBytes(32).toString('base64url')];
}
