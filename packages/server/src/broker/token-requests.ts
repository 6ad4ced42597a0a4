import * as oauth from 'oauth4webapi';
import { type ConfiguredProvider, protocolParts, requestTimeoutOf } from './provider.js';
import {
  errorMeaning,
  readTokenResponse,
  type TokenGrant,
  type TokenResponseReading,
} from './token-response.js';

/** Step 3: trades the authorization code (and the PKCE verifier) for tokens. */
export async function exchangeCode(
  provider: ConfiguredProvider,
  callbackParameters: URLSearchParams,
  redirectUri: string,
  codeVerifier: string | null,
): Promise<TokenResponseReading> {
  const { as, client, clientAuth, options } = protocolParts(provider);
  return readTokenEndpoint(provider, 'authorization_code', () =>
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
  return readTokenEndpoint(provider, 'refresh_token', () =>
    oauth.refreshTokenGrantRequest(as, client, clientAuth, refreshToken, options),
  );
}

/**
 * Sends a token request and reads the answer through the catalog entry. A provider that cannot be
 * reached, times out or answers garbage (not JSON, a 5xx, no token where one must be) yields
 * `temporarily_unavailable`, which callers keep apart from a refusal such as `invalid_grant`: a
 * refusal ends the grant, garbage does not. An error code the entry calls transient (Slack's
 * `ratelimited`) is `temporarily_unavailable` too.
 */
async function readTokenEndpoint(
  provider: ConfiguredProvider,
  grant: TokenGrant,
  send: () => Promise<Response>,
): Promise<TokenResponseReading> {
  const name = provider.entry.displayName;
  let response: Response;
  let text: string;
  try {
    response = await send();
    // The timeout covers the body too: a provider that sends headers and then stalls is no answer.
    text = await response.text();
  } catch (error) {
    return unavailable(`${name} could not be reached: ${describe(error, requestTimeoutOf(provider))}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return unavailable(`${name} answered ${response.status} with something that is not JSON`);
  }
  if (response.status >= 500) return unavailable(`${name} answered ${response.status}`);
  const reading = readTokenResponse(provider.entry, response.status, body, grant);
  if (reading.ok) return reading;
  if (reading.error === 'invalid_response') {
    return unavailable(
      `${name} answered ${response.status} with an unusable token response: ${reading.description}`,
    );
  }
  if (errorMeaning(provider.entry, reading.error) === 'transient') {
    const detail = reading.description === reading.error ? '' : `: ${reading.description}`;
    return unavailable(`${name} answered ${reading.error}${detail}`);
  }
  return reading;
}

function unavailable(description: string): TokenResponseReading {
  return { ok: false, error: 'temporarily_unavailable', description };
}

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs / 1000} s`;
  }
  return error instanceof Error ? error.message : String(error);
}
