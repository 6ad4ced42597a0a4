import type { FakeGrant, ProviderAnswer, ProviderScript } from '../support/documented-provider.js';
import { apiEndpoint, tokenEndpoint } from '../support/standard-endpoints.js';

// The Microsoft identity platform, read 2026-12-03:
// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow
//   - authorization at https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize: client_id,
//     response_type=code, redirect_uri, scope (space-separated; offline_access for a refresh token),
//     state, code_challenge + code_challenge_method=S256 (recommended); response_mode and prompt
//     are optional. The successful response lists code and state; the redirect also carries
//     session_state. No iss is documented, and the openid-configuration of the common tenant does
//     not advertise authorization_response_iss_parameter_supported.
//   - the code exchange: a form POST to .../oauth2/v2.0/token of client_id, grant_type, code,
//     redirect_uri, code_verifier, with client_secret in the body for a web app; the answer:
//     access_token, token_type, expires_in, scope, refresh_token, id_token.
//   - a refresh: a form POST of client_id, grant_type=refresh_token, refresh_token, client_secret;
//     the answer carries a new refresh token, which replaces the old one.
//   - errors: error, error_description (AADSTS…), error_codes, timestamp, trace_id, correlation_id;
//     invalid_grant for a code or refresh token that is expired, revoked or already used.
// https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens: an access token lives a
//   random 60 to 90 minutes; expires_in says how long.
// https://learn.microsoft.com/en-us/entra/identity-platform/userinfo: GET
//   https://graph.microsoft.com/oidc/userinfo with the Graph access token as Bearer answers sub,
//   the name claims and `email` when the email scope was granted.
// The identity platform documents no token revocation endpoint for a client to call.

const EMAIL = 'ada@contoso.example';
const LIFETIME = 3599;

/** What the token endpoint says was granted: Graph scopes and the OIDC ones, without offline_access. */
function grantedScope(grant: FakeGrant): string {
  return grant.scopes.filter((scope) => scope !== 'offline_access').join(' ');
}

function microsoftTokens(grant: FakeGrant): ProviderAnswer {
  return {
    json: {
      token_type: 'Bearer',
      scope: grantedScope(grant),
      expires_in: LIFETIME,
      ext_expires_in: LIFETIME,
      access_token: grant.accessToken,
      refresh_token: grant.refreshToken,
      id_token: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJ0aWQiOiJmYWtlIn0.signature',
    },
  };
}

function aadstsError(description: string, code: number): ProviderAnswer {
  return {
    status: 400,
    json: {
      error: 'invalid_grant',
      error_description: `AADSTS${code}: ${description} Trace ID: 0000 Correlation ID: 0000 Timestamp: 2026-12-03 10:00:00Z`,
      error_codes: [code],
      timestamp: '2026-12-03 10:00:00Z',
      trace_id: '8f0c1e5a-0000-4000-8000-000000000000',
      correlation_id: '1d6b2a7c-0000-4000-8000-000000000000',
    },
  };
}

function microsoftScript(type: string): ProviderScript {
  return {
    type,
    documentation: [
      'https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow (read 2026-12-03)',
      'https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens (read 2026-12-03)',
      'https://learn.microsoft.com/en-us/entra/identity-platform/userinfo (read 2026-12-03)',
    ],
    consent: {
      url: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
      scopeSeparator: ' ',
      pkce: true,
      callbackExtras: { session_state: '5f3c2e1a-7b6d-4c8e-9a0f-1b2c3d4e5f60' },
    },
    routes: [
      tokenEndpoint({
        url: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
        clientAuthentication: 'client_secret_post',
        issuesRefreshToken: true,
        exchange: microsoftTokens,
        refresh: { rotates: true, answer: microsoftTokens },
        refusedCode: aadstsError('The provided authorization code or refresh token has expired.', 70008),
        refusedRefreshToken: aadstsError('The provided request must include a valid refresh token.', 70000),
      }),
      apiEndpoint({
        url: 'https://graph.microsoft.com/oidc/userinfo',
        answer: () => ({
          json: {
            sub: 'OLu859SGc2Sr9ZsqbkG-QbeLgJlb41KcdiPoLYNpSFA',
            name: 'Ada Lovelace',
            family_name: 'Lovelace',
            given_name: 'Ada',
            picture: 'https://graph.microsoft.com/v1.0/me/photo/$value',
            email: EMAIL,
          },
        }),
        unauthorized: {
          status: 401,
          json: {
            error: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure.' },
          },
        },
      }),
    ],
    expectations: {
      email: EMAIL,
      connectionConfig: () => ({}),
      accessTokenLifetime: LIFETIME,
      rotatesRefreshTokens: true,
      revokesOnRemoval: false,
    },
  };
}

export const MICROSOFT_SCRIPTS: readonly ProviderScript[] = [
  'outlook',
  'one_drive',
  'share_point',
  'microsoft_teams',
].map(microsoftScript);
