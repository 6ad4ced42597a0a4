import type { ProviderEntryInput } from '@base44-connectors/contract';
import { STANDARD_TOKEN_RESPONSE } from './standard.js';

// Slack's v2 flow issues a bot token (top level) for `scope` and a user token (under
// `authed_user`) for `user_scope`. It answers errors with HTTP 200 and {"ok": false, "error"}.
// https://docs.slack.dev/authentication/installing-with-oauth

const SLACK_DOCS = 'https://docs.slack.dev/authentication/installing-with-oauth';
const AUTHORIZE = 'https://slack.com/oauth/v2/authorize';
const TOKEN = 'https://slack.com/api/oauth.v2.access';
// auth.revoke revokes the access token it is called with, and answers {"ok": false} with HTTP 200
// when it did not. Read 2026-12-03: https://docs.slack.dev/reference/methods/auth.revoke
const REVOKE: ProviderEntryInput['revocation'] = {
  url: 'https://slack.com/api/auth.revoke',
  token: 'access_token',
  tokenIn: 'bearer',
  clientAuthentication: 'none',
  okFlag: 'ok',
};

// Every Web API method answers HTTP 200 with {"ok": false, "error": code}. The codes that say the
// grant is gone end the connector; Slack's own transient failures keep it, and so does any other
// code (a wrong client secret is this server's fault, not a reason to drop the person's grant).
// Read 2026-12-03: https://docs.slack.dev/reference/methods/oauth.v2.access (errors) and
// https://docs.slack.dev/authentication/using-token-rotation (refresh).
const ERRORS: NonNullable<ProviderEntryInput['token']['errors']> = {
  deadGrant: [
    'invalid_refresh_token',
    'invalid_grant',
    'token_revoked',
    'token_expired',
    'invalid_code',
    'account_inactive',
  ],
  transient: ['ratelimited', 'service_unavailable', 'internal_error', 'fatal_error', 'request_timeout'],
  unlisted: 'transient',
};

// PKCE: Slack supports it only once the app is switched to a public client, a one-way setting
// (https://docs.slack.dev/authentication/using-pkce); a server-side app keeps its secret instead.

/** Acts as the person who connects it: the user token. */
const slack: ProviderEntryInput = {
  type: 'slack',
  displayName: 'Slack',
  description: 'Read and send messages in your Slack workspace as you',
  docsUrl: SLACK_DOCS,
  authorization: { url: AUTHORIZE, scopeParameter: 'user_scope' },
  token: {
    url: TOKEN,
    // Slack asks apps to prefer HTTP Basic over client_id/client_secret parameters.
    clientAuthentication: 'client_secret_basic',
    response: {
      accessToken: 'authed_user.access_token',
      // Only with token rotation enabled for the app.
      refreshToken: 'authed_user.refresh_token',
      expiresIn: 'authed_user.expires_in',
      scope: 'authed_user.scope',
      okFlag: 'ok',
      connectionConfig: { team_id: 'team.id', user_id: 'authed_user.id' },
    },
    // A refresh (grant_type=refresh_token) answers the new user token at the top level, not under
    // authed_user as the exchange did (read 2026-12-03, https://docs.slack.dev/authentication/using-token-rotation).
    refreshResponse: { ...STANDARD_TOKEN_RESPONSE, okFlag: 'ok' },
    errors: ERRORS,
  },
  // users.profile.get answers the caller's own profile; its email needs users:read.email, which
  // Slack only grants together with users:read.
  userInfo: { url: 'https://slack.com/api/users.profile.get', emailPath: 'profile.email' },
  revocation: REVOKE,
  scopeSeparator: ',',
  defaultScopes: ['channels:read', 'channels:history', 'chat:write'],
  requiredScopes: ['users.profile:read', 'users:read', 'users:read.email'],
  pkce: false,
};

/** Acts as the app's bot user: the bot token. */
const slackbot: ProviderEntryInput = {
  type: 'slackbot',
  displayName: 'Slack Bot',
  description: 'Post messages and read channels in your Slack workspace as a bot',
  docsUrl: SLACK_DOCS,
  authorization: { url: AUTHORIZE },
  token: {
    url: TOKEN,
    clientAuthentication: 'client_secret_basic',
    response: {
      ...STANDARD_TOKEN_RESPONSE,
      okFlag: 'ok',
      connectionConfig: { team_id: 'team.id', bot_user_id: 'bot_user_id' },
    },
    errors: ERRORS,
  },
  // No email: a bot token's users.profile.get answers the bot's own profile, and the installer's
  // profile needs users.info?user=<authed_user.id>, a URL the schema cannot build.
  revocation: REVOKE,
  scopeSeparator: ',',
  defaultScopes: ['channels:read', 'chat:write'],
  pkce: false,
};

export const SLACK_ENTRIES: readonly ProviderEntryInput[] = [slack, slackbot];
