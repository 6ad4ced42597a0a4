import {
  type FakeGrant,
  type ProviderAnswer,
  type ProviderRequest,
  type ProviderScript,
  Violation,
} from '../support/documented-provider.js';
import {
  apiEndpoint,
  oauthError,
  revocationEndpoint,
  rfc7009Revocation,
  tokenEndpoint,
} from '../support/standard-endpoints.js';

// Dropbox, read 2026-12-03:
// https://www.dropbox.com/developers/documentation/http/documentation#oauth2-authorize
//   - consent: https://www.dropbox.com/oauth2/authorize with response_type=code, client_id,
//     redirect_uri, state, scope (space-separated), token_access_type (offline for a refresh
//     token), code_challenge + code_challenge_method (S256 or plain); the redirect back carries code
//     and state (no iss).
//   - token (https://www.dropbox.com/developers/documentation/http/documentation#oauth2-token):
//     POST https://api.dropboxapi.com/oauth2/token, a form with code, grant_type, redirect_uri,
//     code_verifier; the app key and secret in HTTP Basic OR as client_id and client_secret. The
//     exchange answers {access_token, expires_in: 14400, token_type: "bearer", scope, account_id,
//     uid, refresh_token}; a refresh (grant_type=refresh_token, refresh_token) answers
//     {access_token, expires_in, token_type} alone: the refresh token stays, account_id is not
//     repeated.
// https://www.dropbox.com/developers/documentation/http/documentation#users-get_current_account
//   (read 2026-12-03): an RPC endpoint, POST, no parameters; the curl example sends only the Bearer
//   header (RPC endpoints without arguments take no body, or `null` as application/json); answers
//   {account_id, name, email, email_verified, …}.
// https://www.dropbox.com/developers/documentation/http/documentation#auth-token-revoke (read
//   2026-12-03): POST https://api.dropboxapi.com/2/auth/token/revoke, no parameters, the access token
//   as Bearer; it disables that token, its refresh token and every access token of that refresh
//   token; answers null.
// https://developers.dropbox.com/oauth-guide (read 2026-12-03): short-lived access tokens (4 hours).

const DROPBOX_ACCOUNT_ID = 'dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc';
const DROPBOX_EMAIL = 'franz@dropbox.example';

/** An RPC call without arguments: no body, or the JSON `null`. */
function expectNoArguments(request: ProviderRequest): void {
  if (request.body === '') return;
  request.expectContentType('application/json');
  if (request.body.trim() !== 'null') throw new Violation('arguments sent to an endpoint that takes none');
}

const dropbox: ProviderScript = {
  type: 'dropbox',
  documentation: [
    'https://www.dropbox.com/developers/documentation/http/documentation#oauth2-authorize (read 2026-12-03)',
    'https://www.dropbox.com/developers/documentation/http/documentation#oauth2-token (read 2026-12-03)',
    'https://www.dropbox.com/developers/documentation/http/documentation#users-get_current_account (read 2026-12-03)',
    'https://www.dropbox.com/developers/documentation/http/documentation#auth-token-revoke (read 2026-12-03)',
    'https://developers.dropbox.com/oauth-guide (read 2026-12-03)',
  ],
  consent: {
    url: 'https://www.dropbox.com/oauth2/authorize',
    scopeSeparator: ' ',
    pkce: true,
    requiredParameters: { token_access_type: 'offline' },
  },
  routes: [
    tokenEndpoint({
      url: 'https://api.dropboxapi.com/oauth2/token',
      clientAuthentication: 'either',
      issuesRefreshToken: true,
      exchange: (grant) => ({
        json: {
          access_token: grant.accessToken,
          expires_in: 14400,
          token_type: 'bearer',
          scope: grant.scopes.join(' '),
          refresh_token: grant.refreshToken,
          account_id: DROPBOX_ACCOUNT_ID,
          uid: '12345',
        },
      }),
      refresh: {
        rotates: false,
        answer: (grant) => ({
          json: { access_token: grant.accessToken, expires_in: 14400, token_type: 'bearer' },
        }),
      },
      refusedCode: oauthError('invalid_grant', "code doesn't exist or has expired"),
      refusedRefreshToken: oauthError('invalid_grant', 'refresh token is invalid or revoked'),
    }),
    apiEndpoint({
      method: 'POST',
      url: 'https://api.dropboxapi.com/2/users/get_current_account',
      token(request) {
        expectNoArguments(request);
        return request.bearer();
      },
      answer: () => ({
        json: {
          account_id: DROPBOX_ACCOUNT_ID,
          name: { given_name: 'Franz', surname: 'Ferdinand', display_name: 'Franz Ferdinand' },
          email: DROPBOX_EMAIL,
          email_verified: true,
          disabled: false,
        },
      }),
      unauthorized: {
        status: 401,
        json: { error_summary: 'invalid_access_token/', error: { '.tag': 'invalid_access_token' } },
      },
    }),
    revocationEndpoint({
      url: 'https://api.dropboxapi.com/2/auth/token/revoke',
      revokes: 'access_token',
      answer: { json: null },
      unknownToken: {
        status: 401,
        json: { error_summary: 'invalid_access_token/', error: { '.tag': 'invalid_access_token' } },
      },
      read(request) {
        expectNoArguments(request);
        return request.bearer();
      },
    }),
  ],
  expectations: {
    email: DROPBOX_EMAIL,
    connectionConfig: () => ({ account_id: DROPBOX_ACCOUNT_ID }),
    accessTokenLifetime: 14400,
    rotatesRefreshTokens: false,
    revokesOnRemoval: true,
  },
};

// Box, read 2026-12-03:
// https://developer.box.com/guides/authentication/oauth2/oauth2-setup/ and
// https://developer.box.com/reference/get-authorize/: consent at
//   https://account.box.com/api/oauth2/authorize with response_type=code, client_id, redirect_uri,
//   state, scope (space-separated); the redirect back carries code and state (no iss). PKCE is not
//   documented.
// https://developer.box.com/reference/post-oauth2-token/: a form with grant_type, client_id,
//   client_secret, code (or refresh_token); redirect_uri is not listed (Box ignores it, and every
//   RFC 6749 client sends it, so the fake takes it). The answer {access_token, expires_in,
//   issued_token_type, refresh_token, restricted_to, token_type: "bearer"} carries no scope.
// https://developer.box.com/guides/authentication/tokens/refresh/: an access token lives 60 minutes;
//   a refresh token can be used ONCE, for a new access token and a new refresh token (rotation), and
//   lives 60 days.
// https://developer.box.com/reference/post-oauth2-revoke/ and
// https://developer.box.com/guides/authentication/tokens/revoke/: POST
//   https://api.box.com/oauth2/revoke, a form with client_id, client_secret and token, the access OR
//   the refresh token; an empty answer on success.
// https://developer.box.com/reference/get-users-me/: GET https://api.box.com/2.0/users/me, Bearer;
//   the account's email is `login`.

const BOX_EMAIL = 'ceo@box.example';

function boxAnswer(grant: FakeGrant): ProviderAnswer {
  return {
    json: {
      access_token: grant.accessToken,
      expires_in: 3600,
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      refresh_token: grant.refreshToken,
      restricted_to: [],
      token_type: 'bearer',
    },
  };
}

const box: ProviderScript = {
  type: 'box',
  documentation: [
    'https://developer.box.com/guides/authentication/oauth2/oauth2-setup/ (read 2026-12-03)',
    'https://developer.box.com/reference/get-authorize/ (read 2026-12-03)',
    'https://developer.box.com/reference/post-oauth2-token/ (read 2026-12-03)',
    'https://developer.box.com/guides/authentication/tokens/refresh/ (read 2026-12-03)',
    'https://developer.box.com/reference/post-oauth2-revoke/ (read 2026-12-03)',
    'https://developer.box.com/reference/get-users-me/ (read 2026-12-03)',
  ],
  consent: { url: 'https://account.box.com/api/oauth2/authorize', scopeSeparator: ' ', pkce: false },
  routes: [
    tokenEndpoint({
      url: 'https://api.box.com/oauth2/token',
      clientAuthentication: 'client_secret_post',
      issuesRefreshToken: true,
      exchange: boxAnswer,
      refresh: { rotates: true, answer: boxAnswer },
      refusedCode: oauthError('invalid_grant', "Auth code doesn't exist or is invalid for the client"),
      refusedRefreshToken: oauthError('invalid_grant', 'Invalid refresh token'),
    }),
    apiEndpoint({
      url: 'https://api.box.com/2.0/users/me',
      answer: () => ({ json: { type: 'user', id: '11446498', name: 'Aaron Levie', login: BOX_EMAIL } }),
    }),
    rfc7009Revocation({
      url: 'https://api.box.com/oauth2/revoke',
      clientAuthentication: 'client_secret_post',
      revokes: 'either',
      unknownToken: oauthError('invalid_request', 'Invalid token'),
    }),
  ],
  expectations: {
    email: BOX_EMAIL,
    connectionConfig: () => ({}),
    accessTokenLifetime: 3600,
    rotatesRefreshTokens: true,
    revokesOnRemoval: true,
  },
};

export const STORAGE_SCRIPTS: readonly ProviderScript[] = [dropbox, box];
