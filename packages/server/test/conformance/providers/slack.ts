import type { FakeGrant, ProviderAnswer, ProviderScript } from '../support/documented-provider.js';
import { apiEndpoint, revocationEndpoint, tokenEndpoint } from '../support/standard-endpoints.js';

// Slack's OAuth v2 with token rotation, read 2026-12-03:
// https://docs.slack.dev/authentication/installing-with-oauth
//   - authorize at https://slack.com/oauth/v2/authorize: client_id, `scope` (bot scopes) and
//     `user_scope` (user scopes), comma-separated, redirect_uri, state. PKCE only for apps switched
//     to public clients, which a server-side app is not.
// https://docs.slack.dev/reference/methods/oauth.v2.access
//   - POST, form; client id and secret preferably as HTTP Basic; code, redirect_uri, grant_type,
//     refresh_token. The bot token answers at the top level, the user token under `authed_user`,
//     with `team.id`. Errors are HTTP 200 with {"ok": false, "error": "invalid_code"} and the like.
// https://docs.slack.dev/authentication/using-token-rotation
//   - with rotation, tokens expire after 12 hours (expires_in 43200); a refresh
//     (grant_type=refresh_token) answers the new token at the top level, and the old refresh
//     token is revoked in favour of the new one it answers. A refresh token Slack does not know
//     answers {"ok": false, "error": "invalid_refresh_token"}.
// https://docs.slack.dev/reference/methods/users.profile.get: GET, Bearer; {"ok", "profile":
//   {"email"}} (the email needs users:read.email).
// https://docs.slack.dev/reference/methods/auth.revoke: revokes the token it is called with (the
//   Bearer credential); answers {"ok": true, "revoked": true}.

const TEAM = { id: 'T9TK3CUKW', name: 'Slack Softworks' };
const APP_ID = 'A0KRD7HC3';
const INSTALLER = 'U0G9QF9C6';
const BOT_USER = 'U0KRQLJ9H';
const LIFETIME = 43_200;
const EMAIL = 'ada@slack.example';

const refusedCode: ProviderAnswer = { status: 200, json: { ok: false, error: 'invalid_code' } };
const refusedRefreshToken: ProviderAnswer = {
  status: 200,
  json: { ok: false, error: 'invalid_refresh_token' },
};

/** A refresh answers the new token at the top level, user or bot alike. */
function refreshed(grant: FakeGrant, tokenType: 'user' | 'bot'): ProviderAnswer {
  return {
    json: {
      ok: true,
      app_id: APP_ID,
      access_token: grant.accessToken,
      token_type: tokenType,
      scope: grant.scopes.join(','),
      refresh_token: grant.refreshToken,
      expires_in: LIFETIME,
      team: TEAM,
      enterprise: null,
      is_enterprise_install: false,
      ...(tokenType === 'bot' ? { bot_user_id: BOT_USER } : {}),
    },
  };
}

const revoke = revocationEndpoint({
  url: 'https://slack.com/api/auth.revoke',
  revokes: 'access_token',
  read: (request) => {
    request.expectNoBody();
    return request.bearer();
  },
  answer: { json: { ok: true, revoked: true } },
  unknownToken: { json: { ok: false, error: 'invalid_auth' } },
});

/** oauth.v2.access as both types meet it: HTTP Basic, rotation, HTTP 200 errors; the exchange answers differ. */
function oauthV2Access(tokenType: 'user' | 'bot', exchange: (grant: FakeGrant) => ProviderAnswer) {
  return tokenEndpoint({
    url: 'https://slack.com/api/oauth.v2.access',
    clientAuthentication: 'client_secret_basic',
    issuesRefreshToken: true,
    exchange,
    refresh: { rotates: true, answer: (grant) => refreshed(grant, tokenType) },
    refusedCode,
    refusedRefreshToken,
  });
}

const documentation = [
  'https://docs.slack.dev/authentication/installing-with-oauth (read 2026-12-03)',
  'https://docs.slack.dev/reference/methods/oauth.v2.access (read 2026-12-03)',
  'https://docs.slack.dev/authentication/using-token-rotation (read 2026-12-03)',
  'https://docs.slack.dev/reference/methods/auth.revoke (read 2026-12-03)',
];

const slack: ProviderScript = {
  type: 'slack',
  documentation: [
    ...documentation,
    'https://docs.slack.dev/reference/methods/users.profile.get (read 2026-12-03)',
  ],
  consent: {
    url: 'https://slack.com/oauth/v2/authorize',
    scopeParameter: 'user_scope',
    scopeSeparator: ',',
    pkce: false,
  },
  routes: [
    oauthV2Access('user', (grant) => ({
      json: {
        ok: true,
        app_id: APP_ID,
        authed_user: {
          id: INSTALLER,
          scope: grant.scopes.join(','),
          access_token: grant.accessToken,
          token_type: 'user',
          refresh_token: grant.refreshToken,
          expires_in: LIFETIME,
        },
        team: TEAM,
        enterprise: null,
        is_enterprise_install: false,
      },
    })),
    apiEndpoint({
      url: 'https://slack.com/api/users.profile.get',
      answer: () => ({ json: { ok: true, profile: { real_name: 'Ada Lovelace', email: EMAIL } } }),
      unauthorized: { json: { ok: false, error: 'invalid_auth' } },
    }),
    revoke,
  ],
  expectations: {
    email: EMAIL,
    connectionConfig: () => ({ team_id: TEAM.id, user_id: INSTALLER }),
    accessTokenLifetime: LIFETIME,
    rotatesRefreshTokens: true,
    revokesOnRemoval: true,
  },
};

const slackbot: ProviderScript = {
  type: 'slackbot',
  documentation,
  consent: { url: 'https://slack.com/oauth/v2/authorize', scopeSeparator: ',', pkce: false },
  routes: [
    oauthV2Access('bot', (grant) => ({
      json: {
        ok: true,
        access_token: grant.accessToken,
        token_type: 'bot',
        scope: grant.scopes.join(','),
        bot_user_id: BOT_USER,
        app_id: APP_ID,
        refresh_token: grant.refreshToken,
        expires_in: LIFETIME,
        team: TEAM,
        enterprise: null,
        authed_user: { id: INSTALLER },
        is_enterprise_install: false,
      },
    })),
    revoke,
  ],
  expectations: {
    email: null,
    connectionConfig: () => ({ team_id: TEAM.id, bot_user_id: BOT_USER }),
    accessTokenLifetime: LIFETIME,
    rotatesRefreshTokens: true,
    revokesOnRemoval: true,
  },
};

export const SLACK_SCRIPTS: readonly ProviderScript[] = [slack, slackbot];
