import * as oauth from 'oauth4webapi';
import { type ConfiguredProvider, protocolParts } from './provider.js';
import { readTokenResponse, type TokenResponseReading } from './token-response.js';

/** Step 3: trades the authorization code (and the PKCE verifier) for tokens. */
export async function exchangeCode(
  provider: ConfiguredProvider,
  callbackParameters: URLSearchParams,
  redirectUri: string,
  codeVerifier: string | null,
): Promise<TokenResponseReading> {
  const { as, client, clientAuth, options } = protocolParts(provider);
  return readTokenEndpoint(provider, () =>
    oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth,
      callbackParameters,
      redirectUri,
      codeVerifier ?? oauth.nopkce,
      options,
    ),
  );
}

/** Step 4: a new access token from the refresh token. */
export async function refreshTokens(
  provider: ConfiguredProvider,
  refreshToken: string,
): Promise<TokenResponseReading> {
  const { as, client, clientAuth, options } = protocolParts(provider);
  return readTokenEndpoint(provider, () =>
    oauth.refreshTokenGrantRequest(as, client, clientAuth, refreshToken, options),
  );
}

/**
 * Sends a token request and reads the answer through the catalog entry. A provider that cannot be
 * reached, times out or answers garbage yields `temporarily_unavailable`, which callers keep apart
 * from a refusal such as `invalid_grant`.
 */
async function readTokenEndpoint(
  provider: ConfiguredProvider,
  send: () => Promise<Response>,
): Promise<TokenResponseReading> {
  let response: Response;
  try {
    response = await send();
  } catch (error) {
    return unavailable(`${provider.entry.displayName} could not be reached: ${describe(error)}`);
  }
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return unavailable(
      `${provider.entry.displayName} answered ${response.status} with something that is not JSON`,
    );
  }
  if (response.status >= 500) return unavailable(`${provider.entry.displayName} answered ${response.status}`);
  return readTokenResponse(provider.entry, response.status, body);
}

function unavailable(description: string): TokenResponseReading {
  return { ok: false, error: 'temporarily_unavailable', description };
}

function describe(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer within 10 s';
  return error instanceof Error ? error.message : String(error);
}
