import type { ProviderEntry } from '@base44-connectors/contract';
import { type ConfiguredProvider, requestTimeoutOf } from './provider.js';
import { valueAt } from './token-response.js';

export type RevocationResult = { revoked: true } | { revoked: false; reason: string };

export interface GrantTokens {
  accessToken: string | null;
  refreshToken: string | null;
}

type Revocation = NonNullable<ProviderEntry['revocation']>;

/**
 * Step 5: tells the provider a grant is no longer wanted, sending the token(s) the entry's
 * `revocation` names, the way it names (RFC 7009, or the provider's variant). Revoked when the
 * first request succeeds; a later one (the access token after the refresh token) is best effort.
 */
export async function revokeGrantTokens(
  provider: ConfiguredProvider,
  tokens: GrantTokens,
): Promise<RevocationResult> {
  const { revocation, displayName } = provider.entry;
  if (!revocation) return { revoked: false, reason: `${displayName} offers no revocation endpoint` };
  const [first, ...rest] = tokensToRevoke(revocation, tokens);
  if (!first) return { revoked: false, reason: `no ${revocation.token.replace('_', ' ')} to revoke` };
  const result = await revokeOne(provider, revocation, first);
  if (result.revoked) for (const token of rest) await revokeOne(provider, revocation, token);
  return result;
}

function tokensToRevoke(revocation: Revocation, tokens: GrantTokens): string[] {
  const { accessToken, refreshToken } = tokens;
  if (revocation.token === 'access_token') return accessToken ? [accessToken] : [];
  if (revocation.token === 'refresh_token') return refreshToken ? [refreshToken] : [];
  // Revoking the refresh token ends the whole grant at most providers; the access token then too.
  return [refreshToken, accessToken].filter((token): token is string => token !== null);
}

/** The revocation request for one token, as the entry describes it. */
export function revocationRequest(
  provider: ConfiguredProvider,
  revocation: Revocation,
  token: string,
): { url: string; init: RequestInit } {
  const url = revocation.url
    .replaceAll('{client_id}', encodeURIComponent(provider.clientId))
    .replaceAll('{token}', encodeURIComponent(token));
  const headers: Record<string, string> = { accept: 'application/json', ...revocation.headers };
  const fields: Record<string, string> = {};
  if (revocation.tokenIn === 'form' || revocation.tokenIn === 'json')
    fields[revocation.tokenParameter] = token;
  if (revocation.tokenIn === 'bearer') headers.authorization = `Bearer ${token}`;
  if (revocation.clientAuthentication === 'client_secret_basic') {
    const credentials = `${provider.clientId}:${provider.clientSecret}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  if (revocation.clientAuthentication === 'client_secret_post') {
    fields[provider.entry.clientIdParameter] = provider.clientId;
    fields.client_secret = provider.clientSecret;
  }
  let body: string | undefined;
  if (Object.keys(fields).length > 0 && revocation.tokenIn === 'json') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(fields);
  } else if (Object.keys(fields).length > 0) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(fields).toString();
  }
  return { url, init: { method: revocation.method, headers, ...(body === undefined ? {} : { body }) } };
}

async function revokeOne(
  provider: ConfiguredProvider,
  revocation: Revocation,
  token: string,
): Promise<RevocationResult> {
  const { url, init } = revocationRequest(provider, revocation, token);
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(requestTimeoutOf(provider)) });
    const name = provider.entry.displayName;
    if (!response.ok) {
      await response.body?.cancel();
      return { revoked: false, reason: `${name} answered ${response.status}` };
    }
    if (!revocation.okFlag) {
      await response.body?.cancel();
      return { revoked: true };
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (valueAt(body, revocation.okFlag) === true) return { revoked: true };
    const error = valueAt(body, 'error');
    return { revoked: false, reason: `${name} answered ${typeof error === 'string' ? error : 'ok: false'}` };
  } catch (error) {
    return { revoked: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
