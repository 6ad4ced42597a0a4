import type { ProviderEntry } from '@base44-connectors/contract';

/** What the broker keeps of a token response, wherever the provider put each value. */
export interface TokenSet {
  accessToken: string;
  refreshToken: string | null;
  /** Seconds from the response; null when the provider does not say (the token does not expire). */
  expiresIn: number | null;
  /** The scopes the provider says it granted; null when it does not say. */
  grantedScopes: string[] | null;
  email: string | null;
  connectionConfig: Record<string, unknown>;
}

export type TokenResponseReading =
  | { ok: true; tokens: TokenSet }
  | { ok: false; error: string; description: string };

/** Which request the answer is to: the code exchange or a refresh (some providers answer them differently). */
export type TokenGrant = 'authorization_code' | 'refresh_token';

/** Reads a token endpoint's answer through the entry's paths, including errors sent with HTTP 200. */
export function readTokenResponse(
  entry: ProviderEntry,
  status: number,
  body: unknown,
  grant: TokenGrant = 'authorization_code',
): TokenResponseReading {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      ok: false,
      error: 'invalid_response',
      description: `The token endpoint answered ${status} without a JSON object`,
    };
  }
  const paths =
    grant === 'refresh_token' ? (entry.token.refreshResponse ?? entry.token.response) : entry.token.response;
  const errorCode = valueAt(body, 'error');
  const okFlag = paths.okFlag ? valueAt(body, paths.okFlag) : true;
  if (status >= 400 || errorCode !== undefined || okFlag !== true) {
    const error = typeof errorCode === 'string' ? errorCode : `http_${status}`;
    const description = valueAt(body, 'error_description');
    return { ok: false, error, description: typeof description === 'string' ? description : error };
  }

  const accessToken = valueAt(body, paths.accessToken);
  if (typeof accessToken !== 'string' || accessToken === '') {
    return {
      ok: false,
      error: 'invalid_response',
      description: `The token response has no ${paths.accessToken}`,
    };
  }
  const connectionConfig: Record<string, unknown> = {};
  for (const [name, path] of Object.entries(paths.connectionConfig)) {
    const value = valueAt(body, path);
    if (value !== undefined) connectionConfig[name] = value;
  }
  return {
    ok: true,
    tokens: {
      accessToken,
      refreshToken: stringAt(body, paths.refreshToken),
      expiresIn: secondsAt(body, paths.expiresIn) ?? paths.defaultExpiresIn ?? null,
      grantedScopes: scopesAt(body, paths.scope),
      email: stringAt(body, paths.email),
      connectionConfig,
    },
  };
}

/**
 * Whether an error code from the token endpoint ends the grant or is a passing failure, as the
 * entry's `token.errors` says; without it, every refusal ends the grant.
 */
export function errorMeaning(entry: ProviderEntry, code: string): 'dead_grant' | 'transient' {
  const meanings = entry.token.errors;
  if (!meanings) return 'dead_grant';
  if (meanings.deadGrant.includes(code)) return 'dead_grant';
  if (meanings.transient.includes(code)) return 'transient';
  return meanings.unlisted;
}

export function valueAt(body: unknown, path: string): unknown {
  let current: unknown = body;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function stringAt(body: unknown, path: string | undefined): string | null {
  const value = path ? valueAt(body, path) : undefined;
  return typeof value === 'string' && value !== '' ? value : null;
}

function secondsAt(body: unknown, path: string | undefined): number | null {
  const value = path ? valueAt(body, path) : undefined;
  const seconds = typeof value === 'string' ? Number(value) : value;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds : null;
}

/**
 * Granted scopes come as a list, or a string separated by spaces or commas, not always the
 * separator the provider asks requests to use (GitHub and Linear answer with commas).
 */
function scopesAt(body: unknown, path: string | undefined): string[] | null {
  const value = path ? valueAt(body, path) : undefined;
  if (Array.isArray(value)) return value.filter((scope): scope is string => typeof scope === 'string');
  if (typeof value !== 'string') return null;
  return value
    .split(/[\s,]+/)
    .map((scope) => scope.trim())
    .filter(Boolean);
}
