import { type ConfiguredProvider, requestTimeoutOf } from './provider.js';
import type { TokenSet } from './token-response.js';
import { valueAt } from './token-response.js';

/** Step 6: the email of the account the person connected, from the token response or the user-info endpoint. */
export async function readAccountEmail(
  provider: ConfiguredProvider,
  tokens: TokenSet,
): Promise<string | null> {
  if (tokens.email) return tokens.email;
  const userInfo = provider.entry.userInfo;
  if (!userInfo) return null;
  try {
    const response = await fetch(userInfo.url, {
      method: userInfo.method,
      headers: {
        ...userInfo.headers,
        authorization: `Bearer ${tokens.accessToken}`,
        accept: 'application/json',
      },
      signal: AbortSignal.timeout(requestTimeoutOf(provider)),
    });
    if (!response.ok) return null;
    const email = valueAt(await response.json(), userInfo.emailPath);
    return typeof email === 'string' && email.includes('@') ? email : null;
  } catch {
    // The connection works without the email; it is shown where known.
    return null;
  }
}
