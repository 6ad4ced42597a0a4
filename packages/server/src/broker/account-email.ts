import type { ProviderEntry } from '@base44-connectors/contract';
import { type ConfiguredProvider, requestTimeoutOf } from './provider.js';
import type { TokenSet } from './token-response.js';
import { valueAt } from './token-response.js';

type UserInfo = NonNullable<ProviderEntry['userInfo']>;

/** Step 6: the email of the account the person connected, from the token response or the user-info endpoint. */
export async function readAccountEmail(
  provider: ConfiguredProvider,
  tokens: TokenSet,
): Promise<string | null> {
  if (tokens.email) return tokens.email;
  const userInfo = provider.entry.userInfo;
  if (!userInfo) return null;
  try {
    const { url, init } = userInfoRequest(provider, userInfo, tokens.accessToken, tokens.connectionConfig);
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(requestTimeoutOf(provider)) });
    if (!response.ok) return null;
    return emailIn(userInfo, await response.json());
  } catch {
    // The connection works without the email; it is shown where known.
    return null;
  }
}

/** The user-info request as the entry describes it. */
export function userInfoRequest(
  provider: ConfiguredProvider,
  userInfo: UserInfo,
  accessToken: string,
  connectionConfig: Record<string, unknown> = {},
): { url: string; init: RequestInit } {
  // The entry's own headers win: GitHub asks for its media type, application/vnd.github+json.
  const headers: Record<string, string> = { accept: 'application/json', ...userInfo.headers };
  if (userInfo.tokenIn === 'bearer') headers.authorization = `Bearer ${accessToken}`;
  const fields: Record<string, string> = {};
  if (userInfo.tokenIn === 'form') fields.token = accessToken;
  if (userInfo.clientAuthentication === 'client_secret_post') {
    fields[provider.entry.clientIdParameter] = provider.clientId;
    fields.client_secret = provider.clientSecret;
  }
  const hasBody = Object.keys(fields).length > 0;
  if (hasBody) headers['content-type'] = 'application/x-www-form-urlencoded';
  const url = new URL(userInfo.url.replaceAll('{token}', encodeURIComponent(accessToken)));
  const host = accountHost(userInfo, connectionConfig);
  if (host) url.host = host;
  return {
    url: url.toString(),
    init: {
      method: userInfo.method,
      headers,
      ...(hasBody ? { body: new URLSearchParams(fields).toString() } : {}),
    },
  };
}

/**
 * The account's own API host, where the entry takes it from the connection config and the value
 * is a plain host name under the allowed suffix; otherwise null and the URL's host stands.
 */
function accountHost(userInfo: UserInfo, connectionConfig: Record<string, unknown>): string | null {
  if (!userInfo.hostFrom) return null;
  const value = connectionConfig[userInfo.hostFrom.connectionConfig];
  if (
    typeof value !== 'string' ||
    !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i.test(value)
  )
    return null;
  const host = value.toLowerCase();
  return host.endsWith(userInfo.hostFrom.allowedSuffix) ? host : null;
}

/** The email in a user-info answer: at `emailPath`, of the list item `list.where` picks where there is a list. */
export function emailIn(userInfo: UserInfo, body: unknown): string | null {
  let holder = body;
  if (userInfo.list) {
    const { path, where } = userInfo.list;
    const items = path ? valueAt(body, path) : body;
    if (!Array.isArray(items)) return null;
    holder = items.find((item) =>
      Object.entries(where).every(([field, value]) => valueAt(item, field) === value),
    );
  }
  const email = valueAt(holder, userInfo.emailPath);
  return typeof email === 'string' && email.includes('@') ? email : null;
}
