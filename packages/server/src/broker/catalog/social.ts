import type { ProviderEntryInput } from '@base44-connectors/contract';
import { STANDARD_TOKEN_RESPONSE } from './standard.js';

// Developer and social accounts: GitHub, Discord, LinkedIn, TikTok.

const github: ProviderEntryInput = {
  type: 'github',
  displayName: 'GitHub',
  description: 'Read and write your GitHub repositories',
  docsUrl: 'https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps',
  authorization: { url: 'https://github.com/login/oauth/authorize' },
  token: {
    // Its documented error bodies ({"error": "bad_verification_code", …}) arrive with HTTP 200
    // (seen in practice; the documentation does not state the status).
    url: 'https://github.com/login/oauth/access_token',
    clientAuthentication: 'client_secret_post',
    // The granted scopes come back comma-separated ("repo,gist") although they are requested
    // space-separated, so they are not read (null: unknown) rather than misread as one scope.
    // The refresh token and expiry only exist for GitHub Apps with expiring user tokens.
    response: { accessToken: 'access_token', refreshToken: 'refresh_token', expiresIn: 'expires_in' },
  },
  // GET /user shows only a public profile email, which most accounts hide; /user/emails lists every
  // address, and the account's is the primary, verified one. Needs the user:email scope. Read
  // 2026-12-03: https://docs.github.com/en/rest/users/emails#list-email-addresses-for-the-authenticated-user
  userInfo: {
    url: 'https://api.github.com/user/emails',
    emailPath: 'email',
    list: { where: { primary: true, verified: true } },
    headers: {
      accept: 'application/vnd.github+json',
      'user-agent': 'base44-server',
      'x-github-api-version': '2022-11-28',
    },
  },
  // Deleting the app authorization revokes every token of the grant: DELETE with HTTP Basic client
  // auth and JSON {"access_token"}. Read 2026-12-03:
  // https://docs.github.com/en/rest/apps/oauth-applications#delete-an-app-authorization
  revocation: {
    url: 'https://api.github.com/applications/{client_id}/grant',
    method: 'DELETE',
    token: 'access_token',
    tokenIn: 'json',
    tokenParameter: 'access_token',
    clientAuthentication: 'client_secret_basic',
    headers: {
      accept: 'application/vnd.github+json',
      'user-agent': 'base44-server',
      'x-github-api-version': '2022-11-28',
    },
  },
  scopeSeparator: ' ',
  defaultScopes: ['repo'],
  requiredScopes: ['user:email'],
  // Supported with S256 since July 2025 (GitHub changelog 2025-07-14).
  pkce: true,
};

const discord: ProviderEntryInput = {
  type: 'discord',
  displayName: 'Discord',
  description: 'See your Discord profile and the servers you are in',
  docsUrl: 'https://discord.com/developers/docs/topics/oauth2',
  // Discord sends `iss` on its authorization responses, the issuer of its metadata (read 2026-12-03,
  // https://discord.com/.well-known/openid-configuration).
  issuer: 'https://discord.com',
  authorization: { url: 'https://discord.com/oauth2/authorize' },
  token: {
    url: 'https://discord.com/api/oauth2/token',
    clientAuthentication: 'client_secret_basic',
    response: {
      ...STANDARD_TOKEN_RESPONSE,
    },
  },
  // The API version is named: without one Discord serves its default, v6, deprecated. Read
  // 2026-12-03: https://discord.com/developers/docs/reference#api-versioning
  userInfo: { url: 'https://discord.com/api/v10/users/@me', emailPath: 'email' },
  // Revoking either token revokes every token of the authorization. Read 2026-12-03:
  // https://discord.com/developers/docs/topics/oauth2#authorization-code-grant-token-revocation-example
  revocation: {
    url: 'https://discord.com/api/oauth2/token/revoke',
    tokenParameter: 'token',
    clientAuthentication: 'client_secret_basic',
  },
  scopeSeparator: ' ',
  defaultScopes: ['identify', 'guilds'],
  requiredScopes: ['email'],
  // S256, per https://discord.com/.well-known/oauth-authorization-server
  pkce: true,
};

const linkedin: ProviderEntryInput = {
  type: 'linkedin',
  displayName: 'LinkedIn',
  description: 'Share posts on LinkedIn as you',
  docsUrl: 'https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow',
  authorization: { url: 'https://www.linkedin.com/oauth/v2/authorization' },
  token: {
    url: 'https://www.linkedin.com/oauth/v2/accessToken',
    clientAuthentication: 'client_secret_post',
    // Refresh tokens are only issued to approved partner apps; others reconnect after 60 days.
    response: {
      ...STANDARD_TOKEN_RESPONSE,
    },
  },
  // Needs the "Sign In with LinkedIn using OpenID Connect" product on the app.
  userInfo: { url: 'https://api.linkedin.com/v2/userinfo', emailPath: 'email' },
  // Not in LinkedIn's own documentation (read 2026-12-03, the docsUrl and
  // https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens);
  // third-party guides send the ACCESS token with client_id and client_secret in the form.
  revocation: { url: 'https://www.linkedin.com/oauth/v2/revoke', token: 'access_token' },
  scopeSeparator: ' ',
  defaultScopes: ['w_member_social'],
  requiredScopes: ['openid', 'email'],
  // LinkedIn enables PKCE only for native apps, on request.
  pkce: false,
};

const tiktok: ProviderEntryInput = {
  type: 'tiktok',
  displayName: 'TikTok',
  description: 'See your TikTok profile and videos',
  docsUrl: 'https://developers.tiktok.com/doc/oauth-user-access-token-management',
  // TikTok names the client id `client_key`, in the consent URL and in every token request.
  clientIdParameter: 'client_key',
  authorization: { url: 'https://www.tiktok.com/v2/auth/authorize/' },
  // Access tokens live 2 hours; refresh tokens rotate (the one sent dies). Read 2026-12-03:
  // https://developers.tiktok.com/docs/en/oauth-refresh-a-user-access-token
  token: {
    url: 'https://open.tiktokapis.com/v2/oauth/token/',
    clientAuthentication: 'client_secret_post',
    response: {
      ...STANDARD_TOKEN_RESPONSE,
      connectionConfig: { open_id: 'open_id' },
    },
  },
  // No email: TikTok does not expose one.
  // `token` is the user ACCESS token (a refresh token there is refused, and then nothing is revoked).
  // Read 2026-12-03: https://developers.tiktok.com/docs/en/oauth-revoke-a-user-access-token
  revocation: { url: 'https://open.tiktokapis.com/v2/oauth/revoke/', token: 'access_token' },
  scopeSeparator: ',',
  defaultScopes: ['user.info.basic', 'video.list'],
  // TikTok uses PKCE for desktop and mobile apps only.
  pkce: false,
};

export const SOCIAL_ENTRIES: readonly ProviderEntryInput[] = [github, discord, linkedin, tiktok];
