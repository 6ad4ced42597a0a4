import {
  expectFields,
  type FakeGrant,
  type ProviderAnswer,
  type ProviderScript,
  type RouteScript,
} from '../support/documented-provider.js';
import { apiEndpoint, oauthError, rfc7009Revocation, tokenEndpoint } from '../support/standard-endpoints.js';

// HubSpot, read 2026-12-03:
// https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/migration-guide
//   - v1 shuts down on 2027-02-16; the code exchange and refresh move to a form POST to
//     /oauth/2026-03/token (every parameter in the body), the token metadata calls to a form POST
//     of the token "along with any required client credentials" to /oauth/2026-03/token/introspect.
// https://developers.hubspot.com/changelog/v1-oauth-api-deprecation: DELETE /v1/refresh-tokens/{token}
//   is replaced by POST /oauth/2026-03/token/revoke.
// https://developers.hubspot.com/docs/api-reference/latest/authentication/oauth-tokens/refresh-oauth-token:
//   form client_id, client_secret, grant_type, code, redirect_uri, code_verifier, refresh_token; the
//   answer holds access_token, refresh_token, expires_in, token_type, hub_id, user_id and `scopes`,
//   a list. Access tokens last 30 minutes (changelog "Expiration of OAuth access tokens is
//   changing"); a refresh answers the same refresh token (no rotation is documented).
// https://developers.hubspot.com/docs/api-reference/latest/authentication/oauth-tokens/token-introspect:
//   form client_id, client_secret, token, token_type_hint; the answer lists active, token, hub_id,
//   user_id, client_id, app_id, scopes, expires_in, token_type, hub_domain and `user`, the field the v1
//   metadata describes as "the email address of the hubspot user for whom the access token was created".
// https://developers.hubspot.com/docs/api-reference/latest/authentication/oauth-tokens/revoke-token:
//   "Deletes/Revokes provided Refresh Token", form token, client_id, client_secret, token_type_hint.
//   The answer's status is not given: 200 assumed.
// https://developers.hubspot.com/changelog/new-oauth-v3-api-endpoints-and-standardized-error-responses:
//   errors carry RFC 6749 error and error_description, plus the older status and message.
// The redirect back carries code and state; no iss is documented.

const HUBSPOT_EMAIL = 'ada@hubspot-portal.example';
const HUB_ID = 62515;

function hubspotTokens(grant: FakeGrant): ProviderAnswer {
  return {
    json: {
      token_use: 'access_token',
      token_type: 'bearer',
      access_token: grant.accessToken,
      refresh_token: grant.refreshToken,
      expires_in: 1800,
      hub_id: HUB_ID,
      user_id: 123456,
      scopes: grant.scopes,
    },
  };
}

function hubspotError(error: string, status: string, message: string): ProviderAnswer {
  return { status: 400, json: { error, error_description: message, status, message } };
}

const hubspotIntrospection: RouteScript = {
  name: 'userinfo',
  method: 'POST',
  url: 'https://api.hubapi.com/oauth/2026-03/token/introspect',
  answer(request, books) {
    const form = request.form();
    expectFields(form, ['token', 'client_id', 'client_secret'], ['token_type_hint']);
    books.authenticateClient(request, form, 'client_secret_post');
    const grant = books.byAccessToken(form.get('token'));
    if (!grant) return { json: { active: false } };
    return {
      json: {
        token_use: 'access_token',
        active: true,
        token: grant.accessToken,
        hub_id: HUB_ID,
        user_id: 123456,
        client_id: books.clientId,
        app_id: 456789,
        scopes: grant.scopes,
        expires_in: 1800,
        is_private_distribution: false,
        token_type: 'access',
        user: HUBSPOT_EMAIL,
        hub_domain: 'ada-portal.hubspot.example',
      },
    };
  },
};

const hubspot: ProviderScript = {
  type: 'hubspot',
  documentation: [
    'https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/migration-guide (read 2026-12-03)',
    'https://developers.hubspot.com/docs/api-reference/latest/authentication/oauth-tokens/refresh-oauth-token (read 2026-12-03)',
    'https://developers.hubspot.com/docs/api-reference/latest/authentication/oauth-tokens/token-introspect (read 2026-12-03)',
    'https://developers.hubspot.com/docs/api-reference/latest/authentication/oauth-tokens/revoke-token (read 2026-12-03)',
  ],
  consent: { url: 'https://app.hubspot.com/oauth/authorize', scopeSeparator: ' ', pkce: true },
  routes: [
    tokenEndpoint({
      url: 'https://api.hubapi.com/oauth/2026-03/token',
      clientAuthentication: 'client_secret_post',
      issuesRefreshToken: true,
      exchange: hubspotTokens,
      refresh: { rotates: false, answer: hubspotTokens },
      refusedCode: hubspotError('invalid_grant', 'BAD_AUTH_CODE', 'missing or unknown auth code'),
      refusedRefreshToken: hubspotError(
        'invalid_grant',
        'BAD_REFRESH_TOKEN',
        'refresh token is invalid, expired or revoked',
      ),
    }),
    hubspotIntrospection,
    rfc7009Revocation({
      url: 'https://api.hubapi.com/oauth/2026-03/token/revoke',
      clientAuthentication: 'client_secret_post',
      revokes: 'refresh_token',
    }),
  ],
  expectations: {
    email: HUBSPOT_EMAIL,
    connectionConfig: () => ({ hub_id: HUB_ID }),
    accessTokenLifetime: 1800,
    rotatesRefreshTokens: false,
    revokesOnRemoval: true,
  },
};

// Salesforce, read 2026-12-03:
// https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_web_server_flow_ca.htm
//   - authorization at https://login.salesforce.com/services/oauth2/authorize: response_type=code,
//     client_id, redirect_uri, scope (space-separated), state, code_challenge (+ method); the
//     redirect back carries code and state (sfdc_community_url and sfdc_community_id only for
//     Experience Cloud sites); no iss.
//   - the code exchange: a form POST to /services/oauth2/token of grant_type, code, client_id,
//     client_secret, redirect_uri, code_verifier; the answer: access_token, refresh_token (when the
//     refresh_token scope was granted), signature, scope, id_token, instance_url, id, token_type,
//     issued_at, and no expires_in: the lifetime is the org's session timeout (two hours unless
//     the org changed it).
// https://help.salesforce.com/apex/HTViewHelpDoc?id=remoteaccess_oauth_refresh_token_flow.htm:
//   the refresh answers no new refresh token unless the app turned on refresh token rotation.
// https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_revoke_token.htm&type=5 and
// https://developer.salesforce.com/docs/platform/mobile-sdk/guide/oauth-revoking-tokens.html:
//   a form POST of `token` alone to /services/oauth2/revoke, no client authentication; a refresh
//   token revokes its access tokens too; 200 on success, 400 invalid_token for a token it does
//   not know.
// https://help.salesforce.com/HTViewHelpDoc?id=remoteaccess_using_userinfo_endpoint.htm:
//   GET /services/oauth2/userinfo with the access token as Bearer answers `email`.

const SALESFORCE_EMAIL = 'ada@salesforce-org.example';
const INSTANCE_URL = 'https://ada-org.my.salesforce.com';
const SALESFORCE_ID = 'https://login.salesforce.com/id/00D5g000004FAKE/0055g00000FAKE1';

/** The code exchange's answer carries the refresh token; a refresh's does not (no rotation). */
function salesforceTokens(grant: FakeGrant, withRefreshToken: boolean): ProviderAnswer {
  return {
    json: {
      access_token: grant.accessToken,
      ...(withRefreshToken && grant.refreshToken ? { refresh_token: grant.refreshToken } : {}),
      signature: 'Wi5DuM7pTd4dCqQ1fS3d0x9lUl2yGJ0jf1q2bJp5mKM=',
      scope: grant.scopes.join(' '),
      id_token: 'eyJraWQiOiIyNTYiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJmYWtlIn0.signature',
      instance_url: INSTANCE_URL,
      id: SALESFORCE_ID,
      token_type: 'Bearer',
      issued_at: '1796300000000',
    },
  };
}

/**
 * Salesforce on one login host: login.salesforce.com (production, the default), test.salesforce.com
 * (sandboxes) or a My Domain; every endpoint lives there (read 2026-12-03:
 * https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm&type=5).
 */
function salesforceOn(loginHost: string, settings?: ProviderScript['settings']): ProviderScript {
  return {
    type: 'salesforce',
    ...(settings ? { settings } : {}),
    documentation: [
      'https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_web_server_flow_ca.htm (read 2026-12-03)',
      'https://help.salesforce.com/apex/HTViewHelpDoc?id=remoteaccess_oauth_refresh_token_flow.htm (read 2026-12-03)',
      'https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_revoke_token.htm&type=5 (read 2026-12-03)',
      'https://help.salesforce.com/HTViewHelpDoc?id=remoteaccess_using_userinfo_endpoint.htm (read 2026-12-03)',
      'https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm&type=5 (read 2026-12-03)',
    ],
    consent: {
      url: `https://${loginHost}/services/oauth2/authorize`,
      scopeSeparator: ' ',
      pkce: true,
    },
    routes: [
      tokenEndpoint({
        url: `https://${loginHost}/services/oauth2/token`,
        clientAuthentication: 'client_secret_post',
        issuesRefreshToken: true,
        exchange: (grant) => salesforceTokens(grant, true),
        refresh: { rotates: false, answer: (grant) => salesforceTokens(grant, false) },
        refusedCode: oauthError('invalid_grant', 'authentication failure'),
        refusedRefreshToken: oauthError('invalid_grant', 'expired access/refresh token'),
      }),
      apiEndpoint({
        url: `https://${loginHost}/services/oauth2/userinfo`,
        answer: () => ({
          json: {
            sub: SALESFORCE_ID,
            user_id: '0055g00000FAKE1',
            organization_id: '00D5g000004FAKE',
            preferred_username: SALESFORCE_EMAIL,
            name: 'Ada Lovelace',
            email: SALESFORCE_EMAIL,
            email_verified: true,
          },
        }),
        unauthorized: { status: 403, json: 'Bad_OAuth_Token' },
      }),
      rfc7009Revocation({
        url: `https://${loginHost}/services/oauth2/revoke`,
        clientAuthentication: 'none',
        unknownToken: oauthError('invalid_token', 'invalid token'),
      }),
    ],
    expectations: {
      email: SALESFORCE_EMAIL,
      connectionConfig: () => ({ instance_url: INSTANCE_URL, login_host: loginHost }),
      // No expires_in: the org's session timeout, two hours by default.
      accessTokenLifetime: 7200,
      rotatesRefreshTokens: false,
      revokesOnRemoval: true,
    },
  };
}

// Splitwise, read 2026-12-03: https://dev.splitwise.com/ "Authentication"
//   - OAuth 2 authorization code grant: authorize at https://secure.splitwise.com/oauth/authorize
//     (response_type, client_id, redirect_uri, state; Splitwise has no scopes), the redirect back
//     carries code and state; the token request is a form POST of client_id, client_secret, code,
//     grant_type and redirect_uri to https://secure.splitwise.com/oauth/token.
//   - the answer is access_token and token_type; the token does not expire and there is no
//     refresh token. PKCE and a revocation endpoint are not documented.
//   - GET https://secure.splitwise.com/api/v3.0/get_current_user with the token as Bearer answers
//     {"user": {…, "email": …}}.

const SPLITWISE_EMAIL = 'ada@splitwise.example';

const splitwise: ProviderScript = {
  type: 'splitwise',
  documentation: ['https://dev.splitwise.com/ (read 2026-12-03)'],
  consent: { url: 'https://secure.splitwise.com/oauth/authorize', scopeSeparator: ' ', pkce: false },
  routes: [
    tokenEndpoint({
      url: 'https://secure.splitwise.com/oauth/token',
      clientAuthentication: 'client_secret_post',
      issuesRefreshToken: false,
      exchange: (grant) => ({ json: { access_token: grant.accessToken, token_type: 'bearer' } }),
      refusedCode: oauthError(
        'invalid_grant',
        'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
      ),
    }),
    apiEndpoint({
      url: 'https://secure.splitwise.com/api/v3.0/get_current_user',
      answer: () => ({
        json: {
          user: {
            id: 78322,
            first_name: 'Ada',
            last_name: 'Lovelace',
            email: SPLITWISE_EMAIL,
            registration_status: 'confirmed',
            default_currency: 'GBP',
            locale: 'en',
          },
        },
      }),
      unauthorized: { status: 401, json: { error: 'Invalid API Request: you are not logged in' } },
    }),
  ],
  expectations: {
    email: SPLITWISE_EMAIL,
    connectionConfig: () => ({}),
    accessTokenLifetime: null,
    rotatesRefreshTokens: false,
    revokesOnRemoval: false,
  },
};

export const BUSINESS_SCRIPTS: readonly ProviderScript[] = [
  hubspot,
  salesforceOn('login.salesforce.com'),
  salesforceOn('test.salesforce.com', { name: 'sandbox', values: { login_host: 'test.salesforce.com' } }),
  salesforceOn('ada-org.my.salesforce.com', {
    name: 'My Domain',
    values: { login_host: 'ada-org.my.salesforce.com' },
  }),
  splitwise,
];
