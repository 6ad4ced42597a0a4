import type { ProviderEntryInput } from '@base44-connectors/contract';

// CRM, sites and money: HubSpot, Salesforce, Wix, Splitwise.

const hubspot: ProviderEntryInput = {
  type: 'hubspot',
  displayName: 'HubSpot',
  description: 'Read the contacts in your HubSpot CRM',
  docsUrl:
    'https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/migration-guide',
  // The date-versioned OAuth API (2026-03) that replaces v1, which shuts down on 2027-02-16. Read
  // 2026-12-03: the migration guide above, and under
  // https://developers.hubspot.com/docs/api-reference/latest/authentication/oauth-tokens/ the pages
  // refresh-oauth-token, token-introspect and revoke-token. The redirect back carries no iss.
  authorization: { url: 'https://app.hubspot.com/oauth/authorize' },
  token: {
    // Every parameter in the form body, code_verifier included.
    url: 'https://api.hubapi.com/oauth/2026-03/token',
    clientAuthentication: 'client_secret_post',
    response: {
      accessToken: 'access_token',
      refreshToken: 'refresh_token',
      // 1800: access tokens last 30 minutes. A refresh answers the same refresh token.
      expiresIn: 'expires_in',
      // A list.
      scope: 'scopes',
      connectionConfig: { hub_id: 'hub_id' },
    },
  },
  // The introspection answer's `user` is the email of the HubSpot user the token was created for
  // (so described for the v1 token metadata it replaces); the form carries the token and the
  // client's id and secret.
  userInfo: {
    url: 'https://api.hubapi.com/oauth/2026-03/token/introspect',
    method: 'POST',
    emailPath: 'user',
    tokenIn: 'form',
    clientAuthentication: 'client_secret_post',
  },
  // "Deletes/Revokes provided Refresh Token": a form POST of token, client_id and client_secret.
  revocation: {
    url: 'https://api.hubapi.com/oauth/2026-03/token/revoke',
    token: 'refresh_token',
    clientAuthentication: 'client_secret_post',
  },
  scopeSeparator: ' ',
  defaultScopes: ['oauth', 'crm.objects.contacts.read'],
  // The token endpoint documents code_verifier.
  pkce: true,
};

const salesforce: ProviderEntryInput = {
  type: 'salesforce',
  displayName: 'Salesforce',
  description: 'Read and update the records in your Salesforce org',
  docsUrl:
    'https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_web_server_flow.htm&type=5',
  // Every endpoint lives on the login host the person names: login.salesforce.com (production),
  // test.salesforce.com (sandboxes), or the org's My Domain, <name>.my.salesforce.com and
  // <name>--<sandbox>.sandbox.my.salesforce.com. The org's API host comes back as instance_url.
  // Read 2026-12-03: https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm&type=5
  // ("OAuth Endpoints": the supported host domains) and the docsUrl (the web server flow).
  // Experience Cloud sites (<name>.my.site.com) and custom domains are left out of the pattern.
  connectionConfigFields: [
    {
      name: 'login_host',
      display_name: 'Login host',
      description:
        'Where the org signs in: login.salesforce.com (production, the default), test.salesforce.com (sandboxes) or the My Domain host',
      placeholder: 'login.salesforce.com',
      required: false,
      default: 'login.salesforce.com',
      validation_pattern:
        '^(login|test)\\.salesforce\\.com$|^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(--[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\\.sandbox)?\\.my\\.salesforce\\.com$',
      validation_error:
        'must be login.salesforce.com, test.salesforce.com, <name>.my.salesforce.com or <name>--<sandbox>.sandbox.my.salesforce.com',
    },
  ],
  authorization: { url: 'https://{connection_config.login_host}/services/oauth2/authorize' },
  token: {
    url: 'https://{connection_config.login_host}/services/oauth2/token',
    clientAuthentication: 'client_secret_post',
    // Salesforce sends issued_at but no expires_in: the session lifetime is an org setting whose
    // default is two hours, so the token is refreshed as if it lasted that long. A refresh answers
    // no refresh token unless the app turned on refresh token rotation; either is kept. The
    // redirect back carries code and state, no iss. Read 2026-12-03:
    // https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_web_server_flow_ca.htm
    // https://help.salesforce.com/apex/HTViewHelpDoc?id=remoteaccess_oauth_refresh_token_flow.htm
    response: {
      defaultExpiresIn: 7200,
      accessToken: 'access_token',
      refreshToken: 'refresh_token',
      scope: 'scope',
      connectionConfig: { instance_url: 'instance_url' },
    },
  },
  userInfo: { url: 'https://{connection_config.login_host}/services/oauth2/userinfo', emailPath: 'email' },
  // A form POST of `token` alone, without client authentication; a refresh token takes its access
  // tokens with it. Read 2026-12-03:
  // https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_revoke_token.htm&type=5
  revocation: {
    url: 'https://{connection_config.login_host}/services/oauth2/revoke',
    clientAuthentication: 'none',
  },
  scopeSeparator: ' ',
  defaultScopes: ['api'],
  // `refresh_token` is the scope that makes Salesforce issue one; it rides along here because the
  // schema has no separate "always requested" list.
  requiredScopes: ['openid', 'email', 'refresh_token'],
  pkce: true,
};

const wix: ProviderEntryInput = {
  type: 'wix',
  displayName: 'Wix',
  description: 'Manage your Wix site through the app you install on it',
  docsUrl: 'https://dev.wix.com/docs/build-apps/develop-your-app/access/authentication/about-oauth',
  // Read 2026-12-03 (the docsUrl, and .../authentication/custom-authentication-deprecated): Wix's
  // authorization-code flow ("custom authentication") is closed to new apps; they authenticate
  // with client credentials per installed site (app id, app secret, the site's app instance id),
  // which no person's consent produces. The installer also names its parameters appId and
  // redirectUrl, not client_id and redirect_uri. The entry stays so that an existing Wix connector
  // keeps its name; the server refuses new ones.
  unsupported:
    "Wix no longer offers the OAuth authorization-code flow to new apps: a Wix app gets its tokens with its app id, app secret and each site's app instance id, not through a person's consent",
  authorization: { url: 'https://www.wix.com/installer/install' },
  token: {
    url: 'https://www.wixapis.com/oauth/access',
    clientAuthentication: 'client_secret_post',
    bodyEncoding: 'json',
    // The access token lives 5 minutes, but the response does not say so.
    response: { accessToken: 'access_token', refreshToken: 'refresh_token', defaultExpiresIn: 300 },
  },
  // site.ownerEmail needs the "Read Site Owner Email" permission on the app.
  // Not confirmed: Wix documents the token in the Authorization header without "Bearer".
  userInfo: { url: 'https://www.wixapis.com/apps/v1/instance', emailPath: 'site.ownerEmail' },
  scopeSeparator: ' ',
  // Wix permissions are chosen in the app's dashboard, not requested as scopes.
  defaultScopes: [],
  pkce: false,
};

const splitwise: ProviderEntryInput = {
  type: 'splitwise',
  displayName: 'Splitwise',
  description: 'See your Splitwise groups, friends and shared expenses',
  docsUrl: 'https://dev.splitwise.com/',
  authorization: { url: 'https://secure.splitwise.com/oauth/authorize' },
  token: {
    url: 'https://secure.splitwise.com/oauth/token',
    // client_id and client_secret in the form body (read 2026-12-03, https://dev.splitwise.com/
    // "Authentication": the token request is a POST of client_id, client_secret, code, grant_type).
    clientAuthentication: 'client_secret_post',
    // Splitwise tokens do not expire and come without a refresh token.
    response: { accessToken: 'access_token' },
  },
  userInfo: { url: 'https://secure.splitwise.com/api/v3.0/get_current_user', emailPath: 'user.email' },
  scopeSeparator: ' ',
  // Splitwise has no scopes.
  defaultScopes: [],
  pkce: false,
};

export const BUSINESS_ENTRIES: readonly ProviderEntryInput[] = [hubspot, salesforce, wix, splitwise];
