import type { ProviderEntryInput } from '@base44-connectors/contract';
import { STANDARD_TOKEN_RESPONSE } from './standard.js';

// Notes, databases, tasks and forms: Notion, Airtable, ClickUp, Linear, Wrike, Typeform.

const notion: ProviderEntryInput = {
  type: 'notion',
  displayName: 'Notion',
  description: 'Read and edit the Notion pages and databases you share with the app',
  docsUrl: 'https://developers.notion.com/docs/authorization',
  authorization: {
    url: 'https://api.notion.com/v1/oauth/authorize',
    // Notion's authorization URL always carries owner=user.
    extraParameters: { owner: 'user' },
  },
  token: {
    url: 'https://api.notion.com/v1/oauth/token',
    clientAuthentication: 'client_secret_basic',
    bodyEncoding: 'json',
    // A refresh token comes with every token, and a refresh answers a new pair; no expires_in is
    // sent, so the access token is used until Notion refuses it. Read 2026-12-03:
    // https://developers.notion.com/reference/create-a-token, .../refresh-a-token
    response: {
      accessToken: 'access_token',
      refreshToken: 'refresh_token',
      email: 'owner.user.person.email',
      connectionConfig: {
        workspace_id: 'workspace_id',
        workspace_name: 'workspace_name',
        bot_id: 'bot_id',
      },
    },
  },
  // JSON {"token": access token}, HTTP Basic client auth, a Notion-Version header. Read 2026-12-03:
  // https://developers.notion.com/reference/revoke-token
  revocation: {
    url: 'https://api.notion.com/v1/oauth/revoke',
    token: 'access_token',
    tokenIn: 'json',
    clientAuthentication: 'client_secret_basic',
    headers: { 'notion-version': '2025-09-03' },
  },
  scopeSeparator: ' ',
  // Notion has no scopes: the person picks the pages during consent.
  defaultScopes: [],
  pkce: false,
};

const airtable: ProviderEntryInput = {
  type: 'airtable',
  displayName: 'Airtable',
  description: 'Read the records and structure of your Airtable bases',
  docsUrl: 'https://airtable.com/developers/web/api/oauth-reference',
  authorization: { url: 'https://airtable.com/oauth2/v1/authorize' },
  token: {
    url: 'https://airtable.com/oauth2/v1/token',
    // Airtable wants HTTP Basic whenever the integration has a client secret.
    clientAuthentication: 'client_secret_basic',
    response: {
      ...STANDARD_TOKEN_RESPONSE,
    },
  },
  // Tokens live 60 minutes; a refresh answers a new refresh token and retires the old one. Read
  // 2026-12-03: https://airtable.com/developers/web/api/oauth-reference
  userInfo: { url: 'https://api.airtable.com/v0/meta/whoami', emailPath: 'email' },
  // No token revocation endpoint is documented (oauth-reference, read 2026-12-03).
  scopeSeparator: ' ',
  defaultScopes: ['data.records:read', 'schema.bases:read'],
  requiredScopes: ['user.email:read'],
  // Required by Airtable.
  pkce: true,
};

const clickup: ProviderEntryInput = {
  type: 'clickup',
  displayName: 'ClickUp',
  description: 'Read and manage the tasks in your ClickUp workspaces',
  docsUrl: 'https://developer.clickup.com/docs/authentication',
  authorization: { url: 'https://app.clickup.com/api' },
  token: {
    url: 'https://api.clickup.com/api/v2/oauth/token',
    // client_id, client_secret and code are documented as query parameters; ClickUp takes the same
    // three in a form body, as generic OAuth clients send them (grant_type and redirect_uri, which
    // ride along, it ignores). Read 2026-12-03: https://developer.clickup.com/reference/getaccesstoken
    clientAuthentication: 'client_secret_post',
    // ClickUp tokens do not expire and come without a refresh token; no revocation is documented.
    response: { accessToken: 'access_token' },
  },
  // An OAuth token goes as `Authorization: Bearer {token}` (a personal pk_ token goes bare). Read
  // 2026-12-03: https://developer.clickup.com/docs/authentication
  userInfo: { url: 'https://api.clickup.com/api/v2/user', emailPath: 'user.email' },
  scopeSeparator: ' ',
  // ClickUp has no scopes: the person picks the workspaces during consent.
  defaultScopes: [],
  pkce: false,
};

const linear: ProviderEntryInput = {
  type: 'linear',
  displayName: 'Linear',
  description: 'Read and create issues in your Linear workspace',
  docsUrl: 'https://linear.app/developers/oauth-2-0-authentication',
  authorization: { url: 'https://linear.app/oauth/authorize' },
  token: {
    url: 'https://api.linear.app/oauth/token',
    clientAuthentication: 'client_secret_post',
    // Since every app moved to refresh tokens (1 April 2026) a token lives 24 hours (expires_in
    // 86399) and a refresh answers a new refresh token. The granted scopes come back
    // space-separated although they are requested comma-separated. Read 2026-12-03:
    // https://linear.app/developers/oauth-2-0-authentication
    response: {
      ...STANDARD_TOKEN_RESPONSE,
    },
  },
  // No email: Linear only has its GraphQL API (`query { viewer { email } }`), a POST with a body
  // that a userInfo entry cannot carry.
  // A form body `token=` (an access or a refresh token, optional token_type_hint) and nothing else:
  // no client authentication is documented, so the client secret is not sent. Read 2026-12-03:
  // https://linear.app/developers/oauth-2-0-authentication (revoke).
  revocation: {
    url: 'https://api.linear.app/oauth/revoke',
    tokenIn: 'form',
    clientAuthentication: 'none',
  },
  scopeSeparator: ',',
  defaultScopes: ['read', 'issues:create'],
  pkce: true,
};

const wrike: ProviderEntryInput = {
  type: 'wrike',
  displayName: 'Wrike',
  description: 'Read the tasks and folders in your Wrike account',
  docsUrl: 'https://developers.wrike.com/oauth-20-authorization/',
  authorization: { url: 'https://login.wrike.com/oauth2/authorize/v4' },
  token: {
    url: 'https://login.wrike.com/oauth2/token',
    clientAuthentication: 'client_secret_post',
    // Tokens live an hour (expires_in 3600); a refresh answers a new refresh token and `host`
    // again. No revocation endpoint is documented. Read 2026-12-03:
    // https://developers.wrike.com/oauth-20-authorization/
    response: {
      accessToken: 'access_token',
      refreshToken: 'refresh_token',
      expiresIn: 'expires_in',
      // The API host of the account's data centre (www.wrike.com, app-eu.wrike.com, …).
      connectionConfig: { host: 'host' },
    },
  },
  // The API lives on the account's data centre: the `host` of the token response, to be used as the
  // API base for that account (read 2026-12-03, https://developers.wrike.com/oauth-20-authorization/).
  userInfo: {
    url: 'https://www.wrike.com/api/v4/contacts?me=true',
    emailPath: 'data.0.profiles.0.email',
    hostFrom: { connectionConfig: 'host', allowedSuffix: '.wrike.com' },
  },
  scopeSeparator: ',',
  defaultScopes: ['Default', 'wsReadOnly'],
  pkce: false,
};

const typeform: ProviderEntryInput = {
  type: 'typeform',
  displayName: 'Typeform',
  description: 'Read your forms and their responses',
  docsUrl: 'https://www.typeform.com/developers/get-started/applications/',
  // Accounts whose responses live in the EU Responses Data Center are served by api.eu.typeform.com;
  // their tokens come from the same authorization server, and the Accounts API (GET /me) answers on
  // both hosts. Read 2026-12-03: https://www.typeform.com/developers/get-started/responses-data-center/
  // The setting is the API host itself, not a region name: backend code reads it from
  // connection_config as the base of its API calls, and the URL template takes it without a lookup.
  // The newer EU data center at api.typeform.eu is said to have its own authorization server and its
  // own OAuth clients (region-specific client ids, so one entry's credentials cannot serve both); it
  // is not documented on Typeform's developer pages, and is reached with an entry of its own in the
  // providers file (its own type and credentials).
  connectionConfigFields: [
    {
      name: 'api_host',
      display_name: 'API host',
      description:
        'The Typeform API host of the account: api.typeform.com (the default) or api.eu.typeform.com (EU Responses Data Center)',
      placeholder: 'api.typeform.com',
      required: false,
      default: 'api.typeform.com',
      validation_pattern: '^api\\.(eu\\.)?typeform\\.com$',
      validation_error: 'must be api.typeform.com or api.eu.typeform.com',
    },
  ],
  authorization: { url: 'https://api.typeform.com/oauth/authorize' },
  token: {
    url: 'https://api.typeform.com/oauth/token',
    clientAuthentication: 'client_secret_post',
    // Tokens live a week by default; a refresh answers a new refresh token. No revocation endpoint
    // is documented. Read 2026-12-03: https://www.typeform.com/developers/get-started/applications/
    response: { accessToken: 'access_token', refreshToken: 'refresh_token', expiresIn: 'expires_in' },
  },
  userInfo: { url: 'https://{connection_config.api_host}/me', emailPath: 'email' },
  scopeSeparator: ' ',
  defaultScopes: ['forms:read', 'responses:read'],
  // accounts:read opens GET /me; `offline` is what makes Typeform issue a refresh token.
  requiredScopes: ['accounts:read', 'offline'],
  // Not confirmed: Typeform does not document PKCE.
  pkce: false,
};

export const WORKSPACE_ENTRIES: readonly ProviderEntryInput[] = [
  notion,
  airtable,
  clickup,
  linear,
  wrike,
  typeform,
];
