import * as oauth from 'oauth4webapi';
import type { ConfiguredProvider } from './provider.js';

export interface AuthorizationRequest {
  /** Where the person's browser goes to consent. */
  url: string;
  /** Random, 256 bits; ties the callback to this attempt. Stored hashed, used once. */
  state: string;
  /** PKCE verifier (RFC 7636), kept by the server until the code exchange; null without PKCE. */
  codeVerifier: string | null;
}

/**
 * Step 1: the URL that asks the provider for consent, with PKCE S256 where the provider supports
 * it. The identity scopes the server needs for the account email ride along with the requested ones.
 */
export async function buildAuthorizationRequest(
  provider: ConfiguredProvider,
  request: { redirectUri: string; scopes: readonly string[] },
): Promise<AuthorizationRequest> {
  const { entry } = provider;
  const state = oauth.generateRandomState();
  const codeVerifier = entry.pkce ? oauth.generateRandomCodeVerifier() : null;
  const url = new URL(entry.authorization.url);
  const scopes = [...new Set([...entry.requiredScopes, ...request.scopes])];
  url.searchParams.set('response_type', 'code');
  url.searchParams.set(entry.clientIdParameter, provider.clientId);
  url.searchParams.set('redirect_uri', request.redirectUri);
  if (scopes.length > 0)
    url.searchParams.set(entry.authorization.scopeParameter, scopes.join(entry.scopeSeparator));
  url.searchParams.set('state', state);
  if (codeVerifier) {
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
  }
  for (const [name, value] of Object.entries(entry.authorization.extraParameters))
    url.searchParams.set(name, value);
  return { url: url.toString(), state, codeVerifier };
}
