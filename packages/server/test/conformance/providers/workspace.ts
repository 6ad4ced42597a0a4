import {
  expectFields,
  type FakeGrant,
  fieldOf,
  type ProviderAnswer,
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

// Notes, databases, tasks and forms: Notion, Airtable, ClickUp, Linear, Wrike, Typeform. None of
// them documents `iss` on its authorization response (RFC 9207), so none is sent.

const EMAIL = 'ada@workspace.example';

// Notion, read 2026-12-03:
// https://developers.notion.com/docs/authorization
//   - authorize at https://api.notion.com/v1/oauth/authorize: client_id, redirect_uri,
//     response_type=code, owner=user, state; no scopes (the person picks the pages). The redirect
//     back carries code and state.
// https://developers.notion.com/reference/create-a-token and .../refresh-a-token
//   - POST https://api.notion.com/v1/oauth/token, a JSON body, the client as HTTP Basic:
//     {grant_type: authorization_code, code, redirect_uri} or {grant_type: refresh_token,
//     refresh_token}. The answer: access_token, token_type "bearer", refresh_token, bot_id,
//     workspace_id, workspace_name, workspace_icon, owner {type: user, user {person {email}}},
//     duplicated_template_id, request_id. No expires_in: the answer gives the access token no
//     lifetime, so it is used until refused. A refresh answers a new access and refresh token
//     pair (the old refresh token is retired). The docs list a Notion-Version header; the token
//     endpoint is not known to refuse a request without one, so the fake does not insist.
// https://developers.notion.com/reference/revoke-token
//   - POST https://api.notion.com/v1/oauth/revoke, JSON {token}, HTTP Basic, Notion-Version.
const NOTION_WORKSPACE = {
  bot_id: '3c90c3cc-0d44-4b50-8888-8dd25736052a',
  workspace_id: '7b1d2c3e-0d44-4b50-8888-8dd25736052b',
  workspace_name: "Ada's Notion",
  workspace_icon: null,
};
const notion: ProviderScript = {
  type: 'notion',
  documentation: [
    'https://developers.notion.com/docs/authorization (read 2026-12-03)',
    'https://developers.notion.com/reference/create-a-token (read 2026-12-03)',
    'https://developers.notion.com/reference/refresh-a-token (read 2026-12-03)',
    'https://developers.notion.com/reference/revoke-token (read 2026-12-03)',
  ],
  consent: {
    url: 'https://api.notion.com/v1/oauth/authorize',
    scopeSeparator: ' ',
    pkce: false,
    requiredParameters: { owner: 'user' },
  },
  routes: [
    tokenEndpoint({
      url: 'https://api.notion.com/v1/oauth/token',
      clientAuthentication: 'client_secret_basic',
      body: 'json',
      issuesRefreshToken: true,
      exchange: (grant) => ({ json: notionTokenAnswer(grant) }),
      refresh: { rotates: true, answer: (grant) => ({ json: notionTokenAnswer(grant) }) },
      refusedCode: oauthError('invalid_grant', 'Invalid code.'),
      refusedRefreshToken: oauthError('invalid_grant', 'Token has been expired or revoked.'),
    }),
    revocationEndpoint({
      url: 'https://api.notion.com/v1/oauth/revoke',
      revokes: 'either',
      read(request, books) {
        const body = request.json();
        expectFields(body, ['token']);
        books.authenticateClient(request, body, 'client_secret_basic');
        request.expectHeader('notion-version', /^\d{4}-\d{2}-\d{2}$/);
        return fieldOf(body, 'token') ?? null;
      },
      answer: { json: { request_id: '3c90c3cc-0d44-4b50-8888-8dd25736052a' } },
      unknownToken: { status: 401, json: { object: 'error', status: 401, code: 'unauthorized' } },
    }),
  ],
  expectations: {
    email: EMAIL,
    connectionConfig: () => ({
      workspace_id: NOTION_WORKSPACE.workspace_id,
      workspace_name: NOTION_WORKSPACE.workspace_name,
      bot_id: NOTION_WORKSPACE.bot_id,
    }),
    accessTokenLifetime: null,
    rotatesRefreshTokens: true,
    revokesOnRemoval: true,
  },
};

function notionTokenAnswer(grant: FakeGrant): Record<string, unknown> {
  return {
    access_token: grant.accessToken,
    token_type: 'bearer',
    refresh_token: grant.refreshToken,
    ...NOTION_WORKSPACE,
    owner: {
      type: 'user',
      user: {
        object: 'user',
        id: '9a3b5f27-6b3d-4b7e-9c2f-1d2e3f4a5b6c',
        type: 'person',
        name: 'Ada',
        avatar_url: null,
        person: { email: EMAIL },
      },
    },
    duplicated_template_id: null,
    request_id: '5d2a7c1e-8f3b-4a6d-9e0c-2b4f6a8c0e1d',
  };
}

// Airtable, read 2026-12-03:
// https://airtable.com/developers/web/api/oauth-reference
//   - authorize at https://airtable.com/oauth2/v1/authorize: client_id, redirect_uri,
//     response_type=code, scope (space-delimited, at least one), state, code_challenge,
//     code_challenge_method=S256 (PKCE is required). The redirect back carries code and state and
//     repeats code_challenge and code_challenge_method (the fake's consent step sends code and
//     state only; the broker reads nothing else).
//   - POST https://airtable.com/oauth2/v1/token, a form; an integration with a client secret
//     sends it as HTTP Basic (client_id in the body is then optional); code, code_verifier,
//     redirect_uri, grant_type. The answer: access_token, refresh_token, token_type, scope,
//     expires_in (60 minutes), refresh_expires_in (60 days).
//   - a refresh (grant_type=refresh_token, refresh_token, the same client authentication) answers
//     a new pair and retires the old tokens.
//   - no token revocation endpoint is documented.
// The reference's example repository (github.com/Airtable/oauth-example, index.js) sends the
// same: Basic only when there is a secret, and a form.
// GET https://api.airtable.com/v0/meta/whoami (Bearer), the "Get user ID & scopes" reference
// (https://airtable.com/developers/web/api/get-user-id-scopes): not found to read; the shape
// {id, email, scopes} is that of published example answers, email only with user.email:read.
const AIRTABLE_LIFETIME = 3600;
const airtableToken = (grant: FakeGrant): ProviderAnswer =>
  standardTokenAnswer(grant, { refresh_expires_in: 5_184_000 }, AIRTABLE_LIFETIME);
const airtable: ProviderScript = {
  type: 'airtable',
  documentation: [
    'https://airtable.com/developers/web/api/oauth-reference (read 2026-12-03)',
    'https://airtable.com/developers/web/api/get-user-id-scopes (read 2026-12-03)',
  ],
  consent: {
    url: 'https://airtable.com/oauth2/v1/authorize',
    scopeSeparator: ' ',
    pkce: true,
  },
  routes: [
    tokenEndpoint({
      url: 'https://airtable.com/oauth2/v1/token',
      clientAuthentication: 'client_secret_basic',
      issuesRefreshToken: true,
      exchange: airtableToken,
      refresh: { rotates: true, answer: airtableToken },
      refusedCode: oauthError('invalid_grant', 'The authorization code is invalid or expired'),
      refusedRefreshToken: oauthError('invalid_grant', 'The refresh token is invalid or expired'),
    }),
    apiEndpoint({
      url: 'https://api.airtable.com/v0/meta/whoami',
      answer: (grant) => ({
        json: {
          id: 'usrL2PNC5o3H4lBEi',
          scopes: grant.scopes,
          ...(grant.scopes.includes('user.email:read') ? { email: EMAIL } : {}),
        },
      }),
      unauthorized: { status: 401, json: { error: { type: 'AUTHENTICATION_REQUIRED' } } },
    }),
  ],
  expectations: {
    email: EMAIL,
    connectionConfig: () => ({}),
    accessTokenLifetime: AIRTABLE_LIFETIME,
    rotatesRefreshTokens: true,
    revokesOnRemoval: false,
  },
};

// ClickUp, read 2026-12-03:
// https://developer.clickup.com/docs/authentication
//   - authorize at https://app.clickup.com/api?client_id=…&redirect_uri=…&state=…; no scopes (the
//     person picks the Workspaces). The redirect back carries code (and state).
//   - the access token goes in the Authorization header; for OAuth apps as `Bearer {token}`
//     (a personal `pk_` token goes bare, and ClickUp takes an OAuth token bare as well).
//   - OAuth tokens do not expire; there is no refresh grant and no revocation endpoint.
// https://developer.clickup.com/reference/getaccesstoken
//   - POST https://api.clickup.com/api/v2/oauth/token with client_id, client_secret and code,
//     documented as query parameters; answers {"access_token", "token_type": "Bearer"}.
//     The same three in a form body are what generic OAuth clients send and ClickUp takes (n8n's
//     ClickUp credential sends them so, with grant_type and redirect_uri, which ClickUp ignores):
//     the fake accepts either place, never both, and refuses any other parameter.
//   - the refusal of a code is not documented; ClickUp's errors are {"err", "ECODE": "OAUTH_…"}.
// GET https://api.clickup.com/api/v2/user ("Get Authorized User",
//   https://developer.clickup.com/reference/getauthorizeduser, not found to read) answers
//   {"user": {"id", "username", "email", …}} in ClickUp's published examples.
const clickupToken: RouteScript = {
  name: 'token',
  method: 'POST',
  url: 'https://api.clickup.com/api/v2/oauth/token',
  answer(request, books) {
    const inQuery = request.url.searchParams;
    const fields = [...inQuery.keys()].length > 0 ? inQuery : request.form();
    if (fields === inQuery && request.body !== '')
      throw new Violation('parameters sent both in the query string and in the body');
    expectFields(fields, ['client_id', 'client_secret', 'code'], ['grant_type', 'redirect_uri']);
    if (request.header('authorization')) throw new Violation('an Authorization header ClickUp does not take');
    if (fields.get('client_id') !== books.clientId || fields.get('client_secret') !== books.clientSecret)
      throw new Violation('client_id and client_secret are not the client’s');
    const grantType = fields.get('grant_type');
    if (grantType !== null && grantType !== 'authorization_code')
      throw new Violation(`grant_type ${grantType}: ClickUp has only the code exchange`);
    const scopes = books.redeemCode(
      fields.get('code') ?? undefined,
      fields.get('redirect_uri') ?? undefined,
      undefined,
    );
    const refused: ProviderAnswer = { status: 400, json: { err: 'Code already used', ECODE: 'OAUTH_014' } };
    if (books.refuseNextCode) {
      books.refuseNextCode = false;
      return refused;
    }
    if (!scopes) return refused;
    const grant = books.issue(scopes, { refreshToken: false });
    return { json: { access_token: grant.accessToken, token_type: 'Bearer' } };
  },
};
const clickup: ProviderScript = {
  type: 'clickup',
  documentation: [
    'https://developer.clickup.com/docs/authentication (read 2026-12-03)',
    'https://developer.clickup.com/reference/getaccesstoken (read 2026-12-03)',
  ],
  consent: { url: 'https://app.clickup.com/api', scopeSeparator: ' ', pkce: false },
  routes: [
    clickupToken,
    apiEndpoint({
      url: 'https://api.clickup.com/api/v2/user',
      token: (request) => request.bearer() ?? request.header('authorization') ?? null,
      answer: () => ({
        json: { user: { id: 183, username: 'Ada', email: EMAIL, color: '#827718', profilePicture: null } },
      }),
      unauthorized: { status: 401, json: { err: 'Token invalid', ECODE: 'OAUTH_025' } },
    }),
  ],
  expectations: {
    email: EMAIL,
    connectionConfig: () => ({}),
    accessTokenLifetime: null,
    rotatesRefreshTokens: false,
    revokesOnRemoval: false,
  },
};

// Linear, read 2026-12-03:
// https://linear.app/developers/oauth-2-0-authentication
//   - authorize at https://linear.app/oauth/authorize: client_id, redirect_uri, response_type=code,
//     scope (comma-separated), state, optional prompt=consent and actor; PKCE with code_challenge
//     and code_challenge_method. The redirect back carries code and state.
//   - POST https://api.linear.app/oauth/token, a form: code, redirect_uri, client_id,
//     client_secret, grant_type=authorization_code, code_verifier with PKCE. Since the move to
//     refresh tokens (every app since 1 April 2026) an authorization-code token lives 24 hours
//     (expires_in 86399) and comes with a refresh_token; scope comes back space-separated.
//   - a refresh (grant_type=refresh_token, refresh_token, the client's id and secret) answers a
//     new token pair; the old refresh token is retired.
//   - revoke: POST https://api.linear.app/oauth/revoke, a form with `token` (an access or a
//     refresh token) and an optional token_type_hint; no client authentication is documented,
//     so the fake takes none (as Google's revoke endpoint: the token is the credential).
//   - the account's email is only in the GraphQL API (`viewer { email }`).
const LINEAR_LIFETIME = 86_399;
const linearToken = (grant: FakeGrant): ProviderAnswer => standardTokenAnswer(grant, {}, LINEAR_LIFETIME);
const linear: ProviderScript = {
  type: 'linear',
  documentation: ['https://linear.app/developers/oauth-2-0-authentication (read 2026-12-03)'],
  consent: { url: 'https://linear.app/oauth/authorize', scopeSeparator: ',', pkce: true },
  routes: [
    tokenEndpoint({
      url: 'https://api.linear.app/oauth/token',
      clientAuthentication: 'client_secret_post',
      issuesRefreshToken: true,
      exchange: linearToken,
      refresh: { rotates: true, answer: linearToken },
      refusedCode: oauthError('invalid_grant', 'Invalid authorization code'),
      refusedRefreshToken: oauthError('invalid_grant', 'Invalid refresh token'),
    }),
    rfc7009Revocation({
      url: 'https://api.linear.app/oauth/revoke',
      clientAuthentication: 'none',
      unknownToken: { status: 400, json: { error: 'invalid_token' } },
    }),
  ],
  expectations: {
    email: null,
    connectionConfig: () => ({}),
    accessTokenLifetime: LINEAR_LIFETIME,
    rotatesRefreshTokens: true,
    revokesOnRemoval: true,
  },
};

// Wrike, read 2026-12-03:
// https://developers.wrike.com/oauth-20-authorization/
//   - authorize at https://login.wrike.com/oauth2/authorize/v4: client_id, response_type=code,
//     optional redirect_uri, state and scope (comma-separated: Default, wsReadOnly, …).
//   - POST https://login.wrike.com/oauth2/token, a form: client_id, client_secret,
//     grant_type=authorization_code, code (and the redirect_uri the authorization carried). The
//     answer: access_token, refresh_token, token_type "bearer", expires_in 3600 and `host`, the
//     API host of the account's data centre, which every API call must then use.
//   - a refresh (client_id, client_secret, grant_type=refresh_token, refresh_token, optional
//     scope) answers the same fields, a new refresh token among them, and `host` again.
//   - no revocation endpoint is documented.
// https://developers.wrike.com/reference/getcontactsempty ("Query Contacts"): GET
//   https://{host}/api/v4/contacts with `me` (only the requesting user), Bearer; servers
//   www.wrike.com, app-eu.wrike.com, app-us2.wrike.com; answers {"kind": "contacts", "data":
//   [{…, "profiles": [{"accountId", "email", …}]}]}.
const WRIKE_HOST = 'app-eu.wrike.com';
const WRIKE_LIFETIME = 3600;
const wrikeToken = (grant: FakeGrant): ProviderAnswer => ({
  json: {
    access_token: grant.accessToken,
    refresh_token: grant.refreshToken,
    token_type: 'bearer',
    host: WRIKE_HOST,
    expires_in: WRIKE_LIFETIME,
  },
});
const wrike: ProviderScript = {
  type: 'wrike',
  documentation: [
    'https://developers.wrike.com/oauth-20-authorization/ (read 2026-12-03)',
    'https://developers.wrike.com/reference/getcontactsempty (read 2026-12-03)',
  ],
  consent: { url: 'https://login.wrike.com/oauth2/authorize/v4', scopeSeparator: ',', pkce: false },
  routes: [
    tokenEndpoint({
      url: 'https://login.wrike.com/oauth2/token',
      clientAuthentication: 'client_secret_post',
      issuesRefreshToken: true,
      exchange: wrikeToken,
      refresh: { rotates: true, answer: wrikeToken },
      refusedCode: oauthError('invalid_grant', 'Invalid authorization code'),
      refusedRefreshToken: oauthError('invalid_grant', 'Invalid refresh token'),
    }),
    // Only the account's own data centre answers for it: www.wrike.com is not routed at all.
    apiEndpoint({
      url: `https://${WRIKE_HOST}/api/v4/contacts`,
      answer: (_grant, _books, request) => {
        expectFields(request.url.searchParams, ['me']);
        if (request.url.searchParams.get('me') !== 'true') throw new Violation('me is not true');
        return {
          json: {
            kind: 'contacts',
            data: [
              {
                id: 'KUAAAAAA',
                firstName: 'Ada',
                lastName: 'Lovelace',
                type: 'Person',
                profiles: [{ accountId: 'IEAAAAAA', email: EMAIL, role: 'User', external: false }],
                me: true,
              },
            ],
          },
        };
      },
      unauthorized: {
        status: 401,
        json: { errorDescription: 'Access token is invalid', error: 'not_authorized' },
      },
    }),
  ],
  expectations: {
    email: EMAIL,
    connectionConfig: () => ({ host: WRIKE_HOST }),
    accessTokenLifetime: WRIKE_LIFETIME,
    rotatesRefreshTokens: true,
    revokesOnRemoval: false,
  },
};

// Typeform (the default, US endpoints), read 2026-12-03:
// https://www.typeform.com/developers/get-started/applications/
//   - authorize at https://api.typeform.com/oauth/authorize: client_id, redirect_uri, scope
//     (space-separated, `+` in the URL), state. `offline` asks for a refresh token; accounts:read
//     opens GET /me.
//   - POST https://api.typeform.com/oauth/token, a form: grant_type=authorization_code, code,
//     client_id, client_secret, redirect_uri. The answer: access_token, token_type, expires_in
//     (one week by default), refresh_token (with `offline`), scope.
//   - a refresh (grant_type=refresh_token, refresh_token, client_id, client_secret; the page
//     shows scope too, not said to be required) answers a new access and refresh token; the old
//     refresh token is retired.
//   - no revocation endpoint is documented.
// GET https://api.typeform.com/me (Bearer, accounts:read), "Retrieve your own account": its
// reference page was not found to read; it answers alias, email and language (as the rtypeform
// client documents it).
const TYPEFORM_LIFETIME = 604_800;
const typeformToken = (grant: FakeGrant): ProviderAnswer =>
  standardTokenAnswer(grant, { token_type: 'bearer' }, TYPEFORM_LIFETIME);
/**
 * Typeform with its API on `apiHost`: api.typeform.com, or api.eu.typeform.com for accounts in the
 * EU Responses Data Center, which keeps the same authorization server and tokens (read 2026-12-03:
 * https://www.typeform.com/developers/get-started/responses-data-center/).
 */
function typeformWith(apiHost: string, settings?: ProviderScript['settings']): ProviderScript {
  return {
    type: 'typeform',
    ...(settings ? { settings } : {}),
    documentation: [
      'https://www.typeform.com/developers/get-started/applications/ (read 2026-12-03)',
      'https://www.typeform.com/developers/get-started/responses-data-center/ (read 2026-12-03)',
    ],
    consent: { url: 'https://api.typeform.com/oauth/authorize', scopeSeparator: ' ', pkce: false },
    routes: [
      tokenEndpoint({
        url: 'https://api.typeform.com/oauth/token',
        clientAuthentication: 'client_secret_post',
        issuesRefreshToken: true,
        exchange: typeformToken,
        refresh: { rotates: true, answer: typeformToken },
        refusedCode: oauthError('invalid_grant', 'Invalid authorization code'),
        refusedRefreshToken: oauthError('invalid_grant', 'Invalid refresh token'),
      }),
      apiEndpoint({
        url: `https://${apiHost}/me`,
        answer: (grant) => {
          if (!grant.scopes.includes('accounts:read')) return { status: 403, json: { code: 'FORBIDDEN' } };
          return { json: { alias: 'Ada', email: EMAIL, language: 'en' } };
        },
        unauthorized: { status: 401, json: { code: 'AUTHENTICATION_FAILED' } },
      }),
    ],
    expectations: {
      email: EMAIL,
      connectionConfig: () => ({ api_host: apiHost }),
      accessTokenLifetime: TYPEFORM_LIFETIME,
      rotatesRefreshTokens: true,
      revokesOnRemoval: false,
    },
  };
}

export const WORKSPACE_SCRIPTS: readonly ProviderScript[] = [
  notion,
  airtable,
  clickup,
  linear,
  wrike,
  typeformWith('api.typeform.com'),
  typeformWith('api.eu.typeform.com', { name: 'EU', values: { api_host: 'api.eu.typeform.com' } }),
];
