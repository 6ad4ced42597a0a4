import {
  expectFields,
  type FakeGrant,
  fieldOf,
  type ProviderAnswer,
  type ProviderRequest,
  type ProviderScript,
  type RouteScript,
  Violation,
} from '../support/documented-provider.js';
import {
  apiEndpoint,
  oauthError,
  revocationEndpoint,
  rfc7009Revocation,
  standardTokenAnswer,
  tokenEndpoint,
} from '../support/standard-endpoints.js';

// GitHub, read 2026-12-03:
// https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
//   - authorization: client_id, redirect_uri, scope (space-delimited), state, login, allow_signup,
//     prompt; the redirect back carries code and state only (no iss). response_type is not listed:
//     GitHub ignores it, so the fake takes it.
//   - code exchange: POST https://github.com/login/oauth/access_token with client_id,
//     client_secret, code and redirect_uri (grant_type is not listed for the web flow; every RFC 6749
//     client sends it and GitHub takes it, so the fake allows grant_type=authorization_code). The
//     answer is form-encoded unless `Accept: application/json`; then {access_token, scope: "repo,gist"
//     (comma-separated), token_type: "bearer"}. An OAuth app's token does not expire: no refresh.
// https://github.blog/changelog/2025-07-14-pkce-support-for-oauth-and-github-app-authentication
//   (read 2026-12-03): code_challenge + code_challenge_method=S256 at consent, code_verifier at the
//   exchange.
// https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors
//   (read 2026-12-03): a bad code answers {"error": "bad_verification_code", …}. The page does not
//   give the status; GitHub sends it with HTTP 200, and so does the fake.
// https://docs.github.com/en/rest/users/emails#list-email-addresses-for-the-authenticated-user
//   (read 2026-12-03): GET https://api.github.com/user/emails, Bearer (or `token`), `Accept:
//   application/vnd.github+json` recommended (application/json is served too); a list of {email,
//   primary, verified, visibility}. https://docs.github.com/en/rest/using-the-rest-api/getting-started-with-the-rest-api
//   (read 2026-12-03): every request must carry a User-Agent.
// https://docs.github.com/en/rest/apps/oauth-applications#delete-an-app-authorization (read
//   2026-12-03): DELETE https://api.github.com/applications/{client_id}/grant, HTTP Basic with the
//   client id and secret, JSON body {"access_token"}; 204 No Content; 422 for a token it does not know.

const GITHUB_ACCEPT = /^application\/(vnd\.github\+json|json)$/;

function githubTokenRoute(): RouteScript {
  return {
    name: 'token',
    method: 'POST',
    url: 'https://github.com/login/oauth/access_token',
    answer(request, books) {
      const form = request.form();
      if (request.header('accept') !== 'application/json')
        throw new Violation('no Accept: application/json: GitHub would answer form-encoded');
      expectFields(
        form,
        ['client_id', 'client_secret', 'code'],
        ['redirect_uri', 'code_verifier', 'grant_type'],
      );
      if (form.has('grant_type') && form.get('grant_type') !== 'authorization_code')
        throw new Violation(`grant_type ${form.get('grant_type')}: an OAuth app has no refresh grant`);
      books.authenticateClient(request, form, 'client_secret_post');
      const scopes = books.redeemCode(
        fieldOf(form, 'code'),
        fieldOf(form, 'redirect_uri'),
        fieldOf(form, 'code_verifier'),
      );
      if (!scopes || books.refuseNextCode) {
        books.refuseNextCode = false;
        return {
          status: 200,
          json: {
            error: 'bad_verification_code',
            error_description: 'The code passed is incorrect or expired.',
            error_uri:
              'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code',
          },
        };
      }
      const grant = books.issue(scopes, { refreshToken: false });
      return { json: { access_token: grant.accessToken, scope: scopes.join(','), token_type: 'bearer' } };
    },
  };
}

function githubToken(request: ProviderRequest): string | null {
  return /^(?:Bearer|token) (\S+)$/.exec(request.header('authorization') ?? '')?.[1] ?? null;
}

const GITHUB_EMAIL = 'octo.cat@users.example';

const github: ProviderScript = {
  type: 'github',
  documentation: [
    'https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps (read 2026-12-03)',
    'https://github.blog/changelog/2025-07-14-pkce-support-for-oauth-and-github-app-authentication (read 2026-12-03)',
    'https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors (read 2026-12-03)',
    'https://docs.github.com/en/rest/users/emails#list-email-addresses-for-the-authenticated-user (read 2026-12-03)',
    'https://docs.github.com/en/rest/apps/oauth-applications#delete-an-app-authorization (read 2026-12-03)',
  ],
  consent: { url: 'https://github.com/login/oauth/authorize', scopeSeparator: ' ', pkce: true },
  routes: [
    githubTokenRoute(),
    apiEndpoint({
      url: 'https://api.github.com/user/emails',
      headers: { accept: GITHUB_ACCEPT, 'user-agent': /\S/ },
      token: githubToken,
      answer: () => ({
        json: [
          { email: 'old@users.example', primary: false, verified: true, visibility: null },
          { email: GITHUB_EMAIL, primary: true, verified: true, visibility: 'private' },
        ],
      }),
      unauthorized: { status: 401, json: { message: 'Requires authentication' } },
    }),
    revocationEndpoint({
      url: 'https://api.github.com/applications/{client_id}/grant',
      method: 'DELETE',
      revokes: 'access_token',
      answer: { status: 204 },
      unknownToken: { status: 422, json: { message: 'Validation Failed' } },
      read(request, books, segments) {
        request.expectHeader('accept', GITHUB_ACCEPT);
        request.expectHeader('user-agent', /\S/);
        if (segments.client_id !== books.clientId) throw new Violation('the path names another client id');
        const basic = request.basic();
        if (basic?.id !== books.clientId || basic.secret !== books.clientSecret)
          throw new Violation('no HTTP Basic with the client id and secret');
        const body = request.json();
        expectFields(body, ['access_token']);
        return fieldOf(body, 'access_token') ?? null;
      },
    }),
  ],
  expectations: {
    email: GITHUB_EMAIL,
    connectionConfig: () => ({}),
    accessTokenLifetime: null,
    rotatesRefreshTokens: false,
    revokesOnRemoval: true,
  },
};

// Discord, read 2026-12-03:
// https://discord.com/developers/docs/topics/oauth2
//   - URLs: https://discord.com/oauth2/authorize, https://discord.com/api/oauth2/token and
//     https://discord.com/api/oauth2/token/revoke (RFC 7009); the token and revoke URLs take only
//     application/x-www-form-urlencoded; every call authenticates the client with HTTP Basic OR
//     client_id + client_secret in the form.
//   - consent: response_type=code, client_id, scope (space-separated), state, redirect_uri, prompt,
//     integration_type.
//   - exchange: grant_type, code, redirect_uri; answer {access_token, token_type: "Bearer",
//     expires_in: 604800, refresh_token, scope}. Refresh: grant_type, refresh_token; "a fresh access
//     token response", refresh_token included. The page does not say the old refresh token dies;
//     Discord is known to retire it, and the fake rotates.
//   - revocation: token and an optional token_type_hint; revoking either token revokes every token
//     of that authorization.
// https://discord.com/.well-known/oauth-authorization-server (read 2026-12-03): issuer
//   https://discord.com, authorization_response_iss_parameter_supported true, S256 only.
// https://discord.com/developers/docs/reference (read 2026-12-03): the API is versioned as
//   https://discord.com/api/v{n}; without a version a request goes to the default, v6, deprecated.
//   https://discord.com/developers/docs/resources/user#get-current-user: GET /users/@me, `email`
//   with the email scope.

const DISCORD_EMAIL = 'nelly@discord.example';

const discord: ProviderScript = {
  type: 'discord',
  documentation: [
    'https://discord.com/developers/docs/topics/oauth2 (read 2026-12-03)',
    'https://discord.com/.well-known/oauth-authorization-server (read 2026-12-03)',
    'https://discord.com/developers/docs/reference (read 2026-12-03)',
    'https://discord.com/developers/docs/resources/user#get-current-user (read 2026-12-03)',
  ],
  consent: {
    url: 'https://discord.com/oauth2/authorize',
    scopeSeparator: ' ',
    pkce: true,
    iss: 'https://discord.com',
  },
  routes: [
    tokenEndpoint({
      url: 'https://discord.com/api/oauth2/token',
      clientAuthentication: 'either',
      issuesRefreshToken: true,
      exchange: (grant) => standardTokenAnswer(grant, {}, 604800),
      refresh: { rotates: true, answer: (grant) => standardTokenAnswer(grant, {}, 604800) },
      refusedCode: oauthError('invalid_grant', 'Invalid "code" in request.'),
    }),
    apiEndpoint({
      url: 'https://discord.com/api/v10/users/@me',
      answer: () => ({
        json: {
          id: '80351110224678912',
          username: 'nelly',
          discriminator: '0',
          email: DISCORD_EMAIL,
          verified: true,
        },
      }),
      unauthorized: { status: 401, json: { message: '401: Unauthorized', code: 0 } },
    }),
    rfc7009Revocation({
      url: 'https://discord.com/api/oauth2/token/revoke',
      clientAuthentication: 'either',
    }),
  ],
  expectations: {
    email: DISCORD_EMAIL,
    connectionConfig: () => ({}),
    accessTokenLifetime: 604800,
    rotatesRefreshTokens: true,
    revokesOnRemoval: true,
  },
};

// LinkedIn, read 2026-12-03:
// https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow
//   - consent: GET https://www.linkedin.com/oauth/v2/authorization with response_type=code,
//     client_id, redirect_uri, state, scope (space-delimited); the redirect back carries code and
//     state (no iss; the OpenID configuration, https://www.linkedin.com/oauth/.well-known/openid-configuration,
//     does not announce it).
//   - exchange: POST https://www.linkedin.com/oauth/v2/accessToken, a form with grant_type, code,
//     client_id, client_secret, redirect_uri; answer {access_token, expires_in: 5184000 (60 days),
//     scope, and refresh_token + refresh_token_expires_in for apps with programmatic refresh}; an
//     id_token when openid is granted.
// https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens
//   (read 2026-12-03): approved partners get refresh tokens valid for a year; a refresh (grant_type,
//   refresh_token, client_id, client_secret) gives a new 60-day access token and the SAME refresh
//   token, whose lifetime keeps counting down. The fake plays such a partner app (others reconnect
//   after 60 days; that life is not this test's).
// https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2
//   (read 2026-12-03): GET https://api.linkedin.com/v2/userinfo, Bearer, answers `email`.
// Revocation: LinkedIn's own documentation names no revocation endpoint. Third-party guides use
//   POST https://www.linkedin.com/oauth/v2/revoke, a form with client_id, client_secret and the
//   ACCESS token as `token`; the fake takes exactly that, and a refresh token there is refused.

const LINKEDIN_EMAIL = 'member@linkedin.example';
const LINKEDIN_ID_TOKEN =
  'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL3d3dy5saW5rZWRpbi5jb20vb2F1dGgifQ.signature';

function linkedinAnswer(grant: FakeGrant, refreshLeft: number): ProviderAnswer {
  return {
    json: {
      access_token: grant.accessToken,
      expires_in: 5184000,
      ...(grant.refreshToken
        ? { refresh_token: grant.refreshToken, refresh_token_expires_in: refreshLeft }
        : {}),
      scope: grant.scopes.join(','),
      token_type: 'Bearer',
      id_token: LINKEDIN_ID_TOKEN,
    },
  };
}

/**
 * LinkedIn as most apps know it: a 60-day access token and no refresh token, so the connector
 * lapses and is authorized again; or, for the partner apps LinkedIn approves for programmatic
 * refresh tokens, a refresh token valid a year (not rotated).
 */
function linkedinApp(partner: boolean): ProviderScript {
  return {
    type: 'linkedin',
    ...(partner ? { variant: 'partner app with refresh tokens' } : {}),
    documentation: [
      'https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow (read 2026-12-03)',
      'https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens (read 2026-12-03)',
      'https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2 (read 2026-12-03)',
    ],
    consent: { url: 'https://www.linkedin.com/oauth/v2/authorization', scopeSeparator: ' ', pkce: false },
    routes: [
      tokenEndpoint({
        url: 'https://www.linkedin.com/oauth/v2/accessToken',
        clientAuthentication: 'client_secret_post',
        issuesRefreshToken: partner,
        exchange: (grant) => linkedinAnswer(grant, 31536000),
        ...(partner
          ? {
              refresh: {
                rotates: false,
                answer: (grant: FakeGrant) => linkedinAnswer(grant, 31536000 - grant.refreshes * 5184000),
              },
            }
          : {}),
        refusedCode: oauthError(
          'invalid_request',
          'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired.',
        ),
        refusedRefreshToken: oauthError('invalid_request', 'The provided refresh token is invalid'),
      }),
      apiEndpoint({
        url: 'https://api.linkedin.com/v2/userinfo',
        answer: () => ({
          json: {
            sub: '782bbtaQ',
            name: 'Member',
            email: LINKEDIN_EMAIL,
            email_verified: true,
            locale: 'en-US',
          },
        }),
      }),
      revocationEndpoint({
        url: 'https://www.linkedin.com/oauth/v2/revoke',
        revokes: 'access_token',
        read(request, books) {
          const form = request.form();
          expectFields(form, ['client_id', 'client_secret', 'token']);
          books.authenticateClient(request, form, 'client_secret_post');
          if (books.byRefreshToken(form.get('token')))
            throw new Violation('token is a refresh token; the guides revoke the access token');
          return form.get('token');
        },
      }),
    ],
    expectations: {
      email: LINKEDIN_EMAIL,
      connectionConfig: () => ({}),
      accessTokenLifetime: 5184000,
      lapsesWithoutRefresh: !partner,
      rotatesRefreshTokens: false,
      revokesOnRemoval: true,
    },
  };
}

// TikTok, read 2026-12-03:
// https://developers.tiktok.com/doc/login-kit-web (Login Kit for Web): consent at
//   https://www.tiktok.com/v2/auth/authorize/ with client_key, scope (comma-separated),
//   redirect_uri, state, response_type=code; PKCE only for desktop and mobile apps. No iss.
// https://developers.tiktok.com/doc/oauth-get-a-user-access-token: POST
//   https://open.tiktokapis.com/v2/oauth/token/, a form with client_key, client_secret, code,
//   grant_type=authorization_code, redirect_uri (required), code_verifier (mobile/desktop only);
//   answer {open_id, scope (comma-separated), access_token, expires_in, refresh_token,
//   refresh_expires_in, token_type: "Bearer"}.
// https://developers.tiktok.com/docs/en/oauth-refresh-a-user-access-token: client_key,
//   client_secret, grant_type=refresh_token, refresh_token; the access token lives 2 hours (7200 s)
//   and refresh tokens ROTATE: the one sent stops working once a new one is issued.
// https://developers.tiktok.com/docs/en/oauth-revoke-a-user-access-token: POST
//   https://open.tiktokapis.com/v2/oauth/revoke/, a form with client_key, client_secret and `token`,
//   "the user access token to revoke"; success answers {}; a failure answers the error struct.
// https://developers.tiktok.com/doc/oauth-error-handling: errors are {error, error_description,
//   log_id}; the page gives no HTTP status. v2 follows RFC 6749 (the v1 migration bulletin), so the
//   fake answers 400.
// TikTok exposes no email.

const OPEN_ID = '-000OB4JlpWtMjBsv0Ze5rqHZuw9i_PrjZwj';

function tiktokAnswer(grant: FakeGrant): ProviderAnswer {
  return {
    json: {
      open_id: OPEN_ID,
      scope: grant.scopes.join(','),
      access_token: grant.accessToken,
      expires_in: 7200,
      refresh_token: grant.refreshToken,
      refresh_expires_in: 15552000,
      token_type: 'Bearer',
    },
  };
}

function tiktokError(error: string, description: string): ProviderAnswer {
  return { status: 400, json: { error, error_description: description, log_id: '20261203000000ABCDEF' } };
}

const tiktok: ProviderScript = {
  type: 'tiktok',
  documentation: [
    'https://developers.tiktok.com/doc/login-kit-web (read 2026-12-03)',
    'https://developers.tiktok.com/doc/oauth-get-a-user-access-token (read 2026-12-03)',
    'https://developers.tiktok.com/docs/en/oauth-refresh-a-user-access-token (read 2026-12-03)',
    'https://developers.tiktok.com/docs/en/oauth-revoke-a-user-access-token (read 2026-12-03)',
    'https://developers.tiktok.com/doc/oauth-error-handling (read 2026-12-03)',
  ],
  consent: {
    url: 'https://www.tiktok.com/v2/auth/authorize/',
    clientIdParameter: 'client_key',
    scopeSeparator: ',',
    pkce: false,
  },
  routes: [
    tokenEndpoint({
      url: 'https://open.tiktokapis.com/v2/oauth/token/',
      clientAuthentication: 'client_secret_post',
      clientIdParameter: 'client_key',
      issuesRefreshToken: true,
      exchange: tiktokAnswer,
      refresh: { rotates: true, answer: tiktokAnswer },
      refusedCode: tiktokError('invalid_grant', 'Authorization code is expired.'),
      refusedRefreshToken: tiktokError('invalid_grant', 'Refresh token is invalid or expired.'),
    }),
    revocationEndpoint({
      url: 'https://open.tiktokapis.com/v2/oauth/revoke/',
      revokes: 'access_token',
      answer: { json: {} },
      unknownToken: tiktokError('invalid_request', 'Access token is invalid or not found.'),
      read(request, books) {
        const form = request.form();
        expectFields(form, ['client_key', 'client_secret', 'token']);
        books.authenticateClient(request, form, 'client_secret_post', 'client_key');
        if (books.byRefreshToken(form.get('token')))
          throw new Violation('token is a refresh token; the endpoint revokes the user access token');
        return form.get('token');
      },
    }),
  ],
  expectations: {
    email: null,
    connectionConfig: () => ({ open_id: OPEN_ID }),
    accessTokenLifetime: 7200,
    rotatesRefreshTokens: true,
    revokesOnRemoval: true,
  },
};

export const SOCIAL_SCRIPTS: readonly ProviderScript[] = [
  github,
  discord,
  linkedinApp(false),
  linkedinApp(true),
  tiktok,
];
