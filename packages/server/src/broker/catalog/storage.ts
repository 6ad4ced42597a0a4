import type { ProviderEntryInput } from '@base44-connectors/contract';
import { STANDARD_TOKEN_RESPONSE } from './standard.js';

// File storage: Dropbox and Box.

const dropbox: ProviderEntryInput = {
  type: 'dropbox',
  displayName: 'Dropbox',
  description: 'See and download the files in your Dropbox',
  docsUrl: 'https://developers.dropbox.com/oauth-guide',
  authorization: {
    url: 'https://www.dropbox.com/oauth2/authorize',
    // Without token_access_type=offline Dropbox issues only a short-lived access token.
    extraParameters: { token_access_type: 'offline' },
  },
  // Access tokens live 4 hours (expires_in 14400); a refresh answers the access token alone (no new
  // refresh token, no account_id: the exchange's connection config stays). Read 2026-12-03:
  // https://www.dropbox.com/developers/documentation/http/documentation#oauth2-token
  token: {
    url: 'https://api.dropboxapi.com/oauth2/token',
    clientAuthentication: 'client_secret_basic',
    response: {
      ...STANDARD_TOKEN_RESPONSE,
      connectionConfig: { account_id: 'account_id' },
    },
  },
  // An RPC endpoint: POST without a body.
  userInfo: {
    url: 'https://api.dropboxapi.com/2/users/get_current_account',
    emailPath: 'email',
    method: 'POST',
  },
  // An RPC endpoint: POST with no body, the ACCESS token as the bearer credential; it disables that
  // token, its refresh token and every access token of that refresh token. Read 2026-12-03:
  // https://www.dropbox.com/developers/documentation/http/documentation#auth-token-revoke
  revocation: {
    url: 'https://api.dropboxapi.com/2/auth/token/revoke',
    token: 'access_token',
    tokenIn: 'bearer',
    clientAuthentication: 'none',
  },
  scopeSeparator: ' ',
  defaultScopes: ['files.metadata.read', 'files.content.read'],
  requiredScopes: ['account_info.read'],
  pkce: true,
};

const box: ProviderEntryInput = {
  type: 'box',
  displayName: 'Box',
  description: 'See and download the files and folders in your Box account',
  docsUrl: 'https://developer.box.com/guides/authentication/oauth2/',
  authorization: { url: 'https://account.box.com/api/oauth2/authorize' },
  // Access tokens live 60 minutes; a refresh token is single-use: each refresh returns a new one
  // and retires the old. Read 2026-12-03: https://developer.box.com/guides/authentication/tokens/refresh/
  token: {
    url: 'https://api.box.com/oauth2/token',
    clientAuthentication: 'client_secret_post',
    // Box answers `restricted_to` instead of a scope string, so granted scopes stay unknown.
    response: { accessToken: 'access_token', refreshToken: 'refresh_token', expiresIn: 'expires_in' },
  },
  userInfo: { url: 'https://api.box.com/2.0/users/me', emailPath: 'login' },
  // Either token revokes the grant; client_id and client_secret in the form. Read 2026-12-03:
  // https://developer.box.com/guides/authentication/tokens/revoke/
  revocation: { url: 'https://api.box.com/oauth2/revoke', tokenParameter: 'token' },
  scopeSeparator: ' ',
  defaultScopes: ['root_readonly'],
  // Not confirmed: Box's OAuth 2.0 guide does not mention PKCE.
  pkce: false,
};

export const STORAGE_ENTRIES: readonly ProviderEntryInput[] = [dropbox, box];
