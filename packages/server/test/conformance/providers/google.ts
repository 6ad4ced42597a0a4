import type { ProviderScript } from '../support/documented-provider.js';
import {
  apiEndpoint,
  oauthError,
  rfc7009Revocation,
  standardTokenAnswer,
  tokenEndpoint,
} from '../support/standard-endpoints.js';

// Google's OAuth 2.0 for web server applications, read 2026-12-03:
// https://developers.google.com/identity/protocols/oauth2/web-server
//   - authorization: client_id, redirect_uri, response_type=code, scope (space-delimited), state,
//     access_type=offline for a refresh token, prompt=consent to get one again, code_challenge +
//     code_challenge_method; the redirect back carries code, state, scope and iss.
//   - code exchange and refresh: a form POST to https://oauth2.googleapis.com/token with client_id
//     and client_secret in the body; a refresh answers no new refresh token (Google keeps it).
//   - revocation: a form POST of `token` alone to https://oauth2.googleapis.com/revoke; revoking a
//     refresh token ends the grant; a token Google does not know answers 400 invalid_token.
// https://developers.google.com/identity/openid-connect/openid-connect (read 2026-12-03): the
// UserInfo endpoint (https://openidconnect.googleapis.com/v1/userinfo, Bearer) answers `email`;
// the discovery document names the issuer https://accounts.google.com.

const EMAIL = 'ada@gmail.example';
const ID_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2FjY291bnRzLmdvb2dsZS5jb20ifQ.signature';

function googleScript(type: string): ProviderScript {
  return {
    type,
    documentation: [
      'https://developers.google.com/identity/protocols/oauth2/web-server (read 2026-12-03)',
      'https://developers.google.com/identity/openid-connect/openid-connect (read 2026-12-03)',
    ],
    consent: {
      url: 'https://accounts.google.com/o/oauth2/v2/auth',
      scopeSeparator: ' ',
      pkce: true,
      requiredParameters: { access_type: 'offline', prompt: 'consent' },
      iss: 'https://accounts.google.com',
      callbackExtras: { authuser: '0', prompt: 'consent' },
    },
    routes: [
      tokenEndpoint({
        url: 'https://oauth2.googleapis.com/token',
        clientAuthentication: 'client_secret_post',
        issuesRefreshToken: true,
        exchange: (grant) => standardTokenAnswer(grant, { id_token: ID_TOKEN }, 3599),
        refresh: {
          rotates: false,
          answer: (grant) => ({
            json: {
              access_token: grant.accessToken,
              expires_in: 3599,
              scope: grant.scopes.join(' '),
              token_type: 'Bearer',
              id_token: ID_TOKEN,
            },
          }),
        },
        refusedCode: oauthError('invalid_grant', 'Malformed auth code.'),
        refusedRefreshToken: oauthError('invalid_grant', 'Token has been expired or revoked.'),
      }),
      apiEndpoint({
        url: 'https://openidconnect.googleapis.com/v1/userinfo',
        answer: () => ({ json: { sub: '110169484474386276334', email: EMAIL, email_verified: true } }),
      }),
      rfc7009Revocation({
        url: 'https://oauth2.googleapis.com/revoke',
        clientAuthentication: 'none',
        unknownToken: oauthError('invalid_token', 'Token expired or revoked'),
      }),
    ],
    expectations: {
      email: EMAIL,
      connectionConfig: () => ({}),
      accessTokenLifetime: 3599,
      rotatesRefreshTokens: false,
      revokesOnRemoval: true,
    },
  };
}

export const GOOGLE_SCRIPTS: readonly ProviderScript[] = [
  'gmail',
  'google_analytics',
  'googlebigquery',
  'googlecalendar',
  'google_classroom',
  'googledocs',
  'googledrive',
  'google_search_console',
  'googlesheets',
  'googleslides',
].map(googleScript);
