import {
  CONNECTOR_FILE_SCHEMA_PATH,
  EXTENSIONS_HEADER,
  formatExtensionsHeader,
  SERVER_EXTENSIONS,
} from '@base44-connectors/contract';
import serverPackage from '../../package.json' with { type: 'json' };
import { OPENAPI_PATH } from '../routes/openapi.js';
import { appPaths } from './openapi-app-paths.js';
import { COMMON_HEADERS, withCommonHeaders, withCommonHeadersInPaths } from './openapi-headers.js';
import {
  body,
  EXTENSION,
  extension,
  html,
  type JsonSchema,
  json,
  type Operation,
  openApiSchemas,
  ref,
  type SchemaName,
} from './openapi-schemas.js';

// The OpenAPI 3.1 document of the HTTP API (GET /openapi.json): every route as data, its bodies
// referring to the schemas generated from the contract. The integration test checks that it names
// every /api/apps/{appId} route the server registers, and that real responses match its schemas.

const ANYONE: never[] = [];

function rootPaths(): Record<string, Record<string, Operation>> {
  const oauthError = (description: string) => body('OAuthError', description);
  return {
    '/oauth/device/code': {
      post: {
        operationId: 'deviceCode',
        tags: ['login'],
        summary: 'Start a device login (RFC 8628); the person approves at `verification_uri`',
        security: ANYONE,
        requestBody: {
          required: true,
          content: { ...json('DeviceCodeRequest'), ...form('DeviceCodeRequest') },
        },
        responses: {
          '200': body('DeviceCodeResponse', 'The codes'),
          '400': oauthError('`invalid_request`'),
          '401': oauthError('`invalid_client`: only `base44_cli` is known'),
          '429': { ...oauthError('Too many requests'), headers: retryAfter() },
        },
      },
    },
    '/oauth/token': {
      post: {
        operationId: 'token',
        tags: ['login'],
        summary: 'Exchange a device code, or a refresh token (single use; it rotates), for tokens',
        security: ANYONE,
        requestBody: { required: true, content: { ...form('TokenRequest'), ...json('TokenRequest') } },
        responses: {
          '200': body('TokenResponse', 'An access token (a JWT) and a new refresh token'),
          '400': oauthError(
            '`authorization_pending`, `slow_down`, `access_denied`, `expired_token`, `invalid_grant`, ' +
              '`invalid_request` or `unsupported_grant_type`',
          ),
          '401': oauthError('`invalid_client`'),
        },
      },
    },
    '/oauth/revoke': {
      post: {
        operationId: 'revoke',
        tags: ['login'],
        summary: 'Log out: revoke a CLI login (RFC 7009) by its refresh token or one of its access tokens',
        description:
          'Ends the whole login the token belongs to: its refresh token family (used tokens included) and ' +
          'every access token issued for it, which the API then refuses with 401. `token_type_hint` ' +
          '(`refresh_token` or `access_token`) only orders the search. Answers 200 whether or not the token ' +
          'was valid (RFC 7009 §2.2). Browser sessions and workspace keys are not touched.',
        security: ANYONE,
        requestBody: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': {
              schema: {
                type: 'object',
                required: ['token', 'client_id'],
                properties: {
                  token: { type: 'string' },
                  token_type_hint: { type: 'string', enum: ['refresh_token', 'access_token'] },
                  client_id: { type: 'string', const: 'base44_cli' },
                },
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'Revoked, or the token was not valid: `{}`',
            content: { 'application/json': { schema: { type: 'object', additionalProperties: false } } },
          },
          '400': oauthError('`invalid_request`: no `token`'),
          '401': oauthError('`invalid_client`: only `base44_cli` is known'),
        },
      },
    },
    '/oauth/userinfo': {
      get: {
        operationId: 'userInfo',
        tags: ['login'],
        summary: 'The logged-in account',
        security: [{ accessToken: [] }],
        responses: {
          '200': body('UserInfoResponse', 'Email and name'),
          '401': {
            ...body('ApiError', 'No valid access token (`invalid_token`)'),
            headers: wwwAuthenticate(),
          },
        },
      },
    },
    '/oauth/start/{connectionId}': {
      get: {
        operationId: 'startAuthorization',
        tags: ['oauth-browser'],
        summary: 'The authorization link (the `redirect_url` of `PUT integrations/{type}` and `apply`)',
        description:
          'A page of this server naming the app, the connector, its scopes and the member who made the ' +
          'link, with a Continue form; it sends nothing to the provider. A browser signed in to the ' +
          'dashboard as someone else is told so. The link is the credential while its attempt is pending.',
        security: ANYONE,
        parameters: [{ name: 'connectionId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': html('The confirmation page, with the Continue form'),
          '404': html('Unknown link'),
          '410': html('Already used, already connected, failed, replaced or expired'),
        },
      },
      post: {
        operationId: 'continueAuthorization',
        tags: ['oauth-browser'],
        summary: 'Continue: uses the link up and sends the browser to the provider',
        description:
          "A form post with the page's CSRF token (`_csrf`). Redirects to the provider with a fresh `state` " +
          'and a PKCE S256 challenge. Each link continues once.',
        security: ANYONE,
        parameters: [{ name: 'connectionId', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': {
              schema: { type: 'object', required: ['_csrf'], properties: { _csrf: { type: 'string' } } },
            },
          },
        },
        responses: {
          '303': {
            description: "To the provider's consent page",
            headers: { Location: { schema: { type: 'string', format: 'uri' } } },
          },
          '403': html("No or another browser's CSRF token"),
          '404': html('Unknown link'),
          '410': html('Already used, already connected, failed, replaced or expired'),
        },
      },
    },
    '/oauth/callback': {
      get: {
        operationId: 'authorizationCallback',
        tags: ['oauth-browser'],
        summary: 'The redirect URI registered with every provider: `<public URL>/oauth/callback`',
        security: ANYONE,
        parameters: ['code', 'state', 'iss', 'error', 'error_description'].map((name) => ({
          name,
          in: 'query',
          required: name === 'state',
          schema: { type: 'string' },
        })),
        responses: {
          '200': html('"slack is connected - you can close this tab"'),
          '400': html(
            'No, unknown or used state; the provider denied or erred; a wrong `iss`; the exchange failed',
          ),
          '409': html('Another member connected this type in the meantime'),
          '502': html('The provider was temporarily unavailable for the code exchange'),
        },
      },
    },
    '/health': {
      get: {
        ...extension,
        operationId: 'health',
        tags: ['server'],
        summary: 'Liveness',
        security: ANYONE,
        responses: { '200': body('HealthResponse', 'Serving') },
      },
    },
    [CONNECTOR_FILE_SCHEMA_PATH]: {
      get: {
        ...extension,
        operationId: 'connectorFileSchema',
        tags: ['server'],
        summary: 'The JSON Schema of `base44/connectors/*.jsonc` files, for editors',
        security: ANYONE,
        responses: {
          '200': {
            description: 'A JSON Schema (2020-12)',
            content: {
              'application/schema+json': { schema: { $ref: 'https://json-schema.org/draft/2020-12/schema' } },
            },
          },
        },
      },
    },
    [OPENAPI_PATH]: {
      get: {
        ...extension,
        operationId: 'openApiDocument',
        tags: ['server'],
        summary: 'This document',
        security: ANYONE,
        responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: {} } } } },
      },
    },
  };
}

function form(name: SchemaName) {
  return { 'application/x-www-form-urlencoded': { schema: ref(name) } };
}
function retryAfter() {
  return { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } };
}
function wwwAuthenticate() {
  return { 'WWW-Authenticate': { schema: { type: 'string' } } };
}

function apiError(description: string, headers?: Record<string, unknown>) {
  return { ...body('ApiError', description), ...(headers ? { headers } : {}) };
}

function components(): Record<string, unknown> {
  return {
    schemas: openApiSchemas() satisfies Record<SchemaName, JsonSchema>,
    headers: COMMON_HEADERS,
    securitySchemes: {
      accessToken: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'The access token of a device login (`base44 login`); `sub` is the email. Lives one hour.',
      },
      workspaceKey: {
        type: 'apiKey',
        in: 'header',
        name: 'api_key',
        description: 'A workspace key `b44k_…` (`base44-server keys create --email E`): acts as that user.',
      },
      serviceKey: {
        type: 'http',
        scheme: 'bearer',
        description:
          'A service key `b44s_…` (`base44-server keys create --service --app ID`), sent with `X-App-Id: <app id>`: ' +
          "may only read that app's tokens (`external-auth/tokens/{type}`).",
      },
    },
    responses: withCommonHeaders({
      BadRequest: apiError(
        'An app id or integration type that is not one (`bad_request`), a provider without client ' +
          'credentials on this server (`provider_not_configured`), or one no OAuth connector can work ' +
          'with (`provider_unsupported`)',
      ),
      Unauthenticated: apiError(
        'No valid credentials (`unauthenticated`), or an expired access token (`token_expired`)',
        wwwAuthenticate(),
      ),
      Forbidden: apiError(
        'Not a member of the app (an unknown app answers the same), or a service key outside its app or ' +
          'outside token reads (`forbidden`)',
      ),
      NotFound: apiError('Unknown integration type, connector or connection'),
      Conflict: apiError("The app's connectors changed since `expected_revision` (`conflict`): plan again"),
      ValidationFailed: apiError('The body or query does not match the schema (`validation_failed`)'),
      NotImplemented: apiError('Stripe provisioning is not available on this server (`not_implemented`)'),
    }),
  };
}

/** The whole document; built once when the server starts. */
export function buildOpenApiDocument(options: { publicUrl: string }): Record<string, unknown> {
  return {
    openapi: '3.1.1',
    info: {
      title: 'base44-server',
      version: serverPackage.version,
      description:
        'The public Base44 connectors API as served by base44-server, and its extensions (marked ' +
        `\`${EXTENSION}: true\`). Errors are \`{message, code, extra_data}\`; the OAuth endpoints answer ` +
        'RFC 6749 `{error, error_description}`. Every response echoes `X-Request-ID` and names the ' +
        `extensions served in \`${EXTENSIONS_HEADER}\` (\`${formatExtensionsHeader(SERVER_EXTENSIONS)}\`). ` +
        'With `--public-api-only` the server answers as the Base44 cloud does: no extensions (and no such header), ' +
        'unknown routes 404 `{"detail": "Not Found"}`, no [ext] fields in the answers. With `--sandbox`, ' +
        'the sandbox provider serves `/sandbox/…` (not described here); the login pages live at `/device`.',
    },
    servers: [{ url: options.publicUrl }],
    tags: [
      { name: 'login', description: 'RFC 8628 device login of the CLI' },
      { name: 'connectors', description: 'Connectors of an app' },
      { name: 'payments', description: 'Stripe (not provisioned by this server)' },
      { name: 'oauth-browser', description: "The browser's legs of a connector authorization" },
      { name: 'server', description: 'Health, schemas and this document' },
    ],
    paths: withCommonHeadersInPaths({ ...rootPaths(), ...appPaths() }),
    components: components(),
  };
}
