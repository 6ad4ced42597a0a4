import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeGrant } from '../../src/connectors/store.js';
import { loadKeyring } from '../../src/vault/keyring.js';
import { Vault } from '../../src/vault/vault.js';
import { anApp, aServiceKey, aUser, aWorkspaceKey } from '../support/accounts.js';
import { createTestServer, type TestServer } from '../support/server.js';

// ajv-formats is CommonJS: under NodeNext its default import is the module, the plugin its `default`.
const addFormats = ajvFormats.default;

type Json = Record<string, unknown>;
type Document = Json & { paths: Record<string, Record<string, Json>>; components: Json };

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch']);

/** `/api/apps/:appId/external-auth/tokens/:type` → `/api/apps/{appId}/external-auth/tokens/{type}`. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z]+)/g, '{$1}');
const fastifyPath = (path: string) => path.replace(/\{([A-Za-z]+)\}/g, ':$1');

function operations(document: Document): { method: string; path: string; operation: Json }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.has(method))
      .map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
}

/** The value a local `$ref` (`#/a/b`) points at in the document. */
function resolve(document: Json, ref: string): unknown {
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, part) => (node as Json | undefined)?.[part], document);
}

function localRefs(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(localRefs);
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? [value] : localRefs(value),
  );
}

describe('GET /openapi.json', () => {
  let server: TestServer;
  let document: Document;
  let ajv: Ajv2020;
  let appId: string;
  let memberKey: string;
  let serviceKey: string;

  beforeAll(async () => {
    server = await createTestServer('sqlite', {
      providers: { credentials: { slack: { clientId: 'slack-client', clientSecret: 'slack-secret' } } },
    });
    const owner = await aUser(server.storage, 'owner@example.com');
    appId = await anApp(server.storage, owner);
    memberKey = await aWorkspaceKey(server.storage, owner);
    serviceKey = await aServiceKey(server.storage, appId);
    const vault = new Vault(loadKeyring(server.config.dataDir, undefined));
    await storeGrant(
      server.storage.db,
      vault,
      appId,
      'notion',
      {
        userId: owner.id,
        scopes: [],
        grantedScopes: [],
        accountEmail: 'owner@example.com',
        accessToken: 'access-notion',
        refreshToken: null,
        expiresAt: null,
        connectionConfig: { workspace_id: 'w1' },
      },
      server.clock.now(),
    );

    const response = await server.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    document = JSON.parse(response.body);
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(document, 'openapi.json');
  });
  afterAll(() => server.close());

  /** The JSON schema the document gives for this operation's answer with this status. */
  function responseSchemaRef(method: string, path: string, status: number): string {
    let response = document.paths[path]?.[method.toLowerCase()]?.responses as Json | undefined;
    let described = (response?.[String(status)] ?? response?.[`${String(status)[0]}XX`]) as Json | undefined;
    if (typeof described?.$ref === 'string') described = resolve(document, described.$ref) as Json;
    response = (described?.content as Json | undefined)?.['application/json'] as Json | undefined;
    const ref = (response?.schema as Json | undefined)?.$ref;
    if (typeof ref !== 'string') throw new Error(`${method} ${path} documents no JSON body for ${status}`);
    return ref;
  }

  /** Calls the route and checks its real answer against the document's schema for it. */
  async function expectDocumented(
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    path: string,
    request: { params?: Record<string, string>; headers?: Record<string, string>; payload?: Json } = {},
  ): Promise<LightMyRequestResponse> {
    const url = path.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => request.params?.[name] ?? appId);
    const response = await server.app.inject({
      method,
      url,
      headers: request.headers ?? { api_key: memberKey },
      ...(request.payload ? { payload: request.payload } : {}),
    });
    const schemaRef = responseSchemaRef(method, path.split('?')[0]!, response.statusCode);
    const validate = ajv.getSchema(`openapi.json${schemaRef}`);
    if (!validate) throw new Error(`no schema at ${schemaRef}`);
    const valid = validate(response.json());
    expect(validate.errors ?? [], `${method} ${url} → ${response.statusCode} ${response.body}`).toEqual([]);
    expect(valid).toBe(true);
    return response;
  }

  it('is an OpenAPI 3.1 document with the server as its one server', () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.servers).toEqual([{ url: server.config.publicUrl }]);
    expect(Object.keys(document.components.securitySchemes as Json).sort()).toEqual([
      'accessToken',
      'serviceKey',
      'workspaceKey',
    ]);
  });

  it('documents every route the server registers under /api/apps/{appId}, and only those', () => {
    const registered = server.app.appScopedRoutes.map((route) => `${route.method} ${openApiPath(route.url)}`);
    const documented = operations(document)
      .filter(({ path }) => path.startsWith('/api/apps/{appId}/'))
      .map(({ method, path }) => `${method} ${path}`);
    expect(registered.length).toBeGreaterThan(0);
    expect(documented.sort()).toEqual([...new Set(registered)].sort());
  });

  it('documents no route the server does not have', () => {
    const missing = operations(document).filter(
      ({ method, path }) => !server.app.hasRoute({ method: method as 'GET', url: fastifyPath(path) }),
    );
    expect(missing.map(({ method, path }) => `${method} ${path}`)).toEqual([]);
  });

  it('names a unique operationId and the security of every operation, and every $ref resolves', () => {
    const ids = operations(document).map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { method, path, operation } of operations(document)) {
      expect(Array.isArray(operation.security), `${method} ${path} security`).toBe(true);
      expect(Object.keys(operation.responses as Json).length, `${method} ${path}`).toBeGreaterThan(0);
    }
    const unresolved = localRefs(document).filter((ref) => resolve(document, ref) === undefined);
    expect(unresolved).toEqual([]);
  });

  it('marks the extensions plan, apply and the long-poll wait with x-base44-extension', () => {
    const connectors = '/api/apps/{appId}/external-auth';
    expect(document.paths[`${connectors}/plan`]?.post?.['x-base44-extension']).toBe(true);
    expect(document.paths[`${connectors}/apply`]?.post?.['x-base44-extension']).toBe(true);
    expect(document.paths[`${connectors}/list`]?.get?.['x-base44-extension']).toBeUndefined();
    const parameters = document.paths[`${connectors}/status`]?.get?.parameters as Json[];
    expect(parameters.find((parameter) => parameter.name === 'wait')?.['x-base44-extension']).toBe(true);
  });

  it('documents the x-base44-extensions header on every response, and the header the server sends matches', async () => {
    const header = (document.components.headers as Record<string, Json>)['x-base44-extensions']!;
    expect(header.description).toContain('status-wait');
    for (const { method, path, operation } of operations(document)) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        const described = (
          typeof response.$ref === 'string' ? resolve(document, response.$ref) : response
        ) as Json;
        expect(
          (described.headers as Json | undefined)?.['x-base44-extensions'],
          `${method} ${path} ${status}`,
        ).toEqual({ $ref: '#/components/headers/x-base44-extensions' });
      }
    }
    const served = await server.app.inject({ method: 'GET', url: '/health' });
    expect(served.headers['x-base44-extensions']).toBe((header.schema as Json).example);
  });

  it('describes the real answers of the connector routes', async () => {
    const put = await expectDocumented('PUT', '/api/apps/{appId}/external-auth/integrations/{type}', {
      params: { type: 'slack' },
      payload: { scopes: ['chat:write'] },
    });
    const connectionId = put.json().connection_id as string;
    expect(connectionId).toMatch(/^[0-9a-f]{32}$/);

    const list = await expectDocumented('GET', '/api/apps/{appId}/external-auth/list');
    expect(list.json().integrations).toHaveLength(2);
    const available = await expectDocumented('GET', '/api/apps/{appId}/external-auth/available-integrations');
    expect(available.json().integrations.length).toBeGreaterThan(30);
    await expectDocumented(
      'GET',
      `/api/apps/{appId}/external-auth/status?integration_type=slack&connection_id=${connectionId}`,
    );
    await expectDocumented('POST', '/api/apps/{appId}/external-auth/plan', {
      payload: { connectors: [{ type: 'slack', scopes: ['chat:write', 'users:read'] }] },
    });
    const token = await expectDocumented('GET', '/api/apps/{appId}/external-auth/tokens/{type}', {
      params: { type: 'notion' },
      headers: { authorization: `Bearer ${serviceKey}`, 'x-app-id': appId },
    });
    expect(token.json().access_token).toBe('access-notion');
    await expectDocumented('DELETE', '/api/apps/{appId}/external-auth/integrations/{type}/remove', {
      params: { type: 'notion' },
    });
    await expectDocumented('GET', '/api/apps/{appId}/payments/stripe/status');
  });

  it('describes the error bodies: {message, code, extra_data} and the OAuth endpoints’ RFC 6749 form', async () => {
    const noCredentials = await expectDocumented('GET', '/api/apps/{appId}/external-auth/list', {
      headers: {},
    });
    expect(noCredentials.statusCode).toBe(401);
    const invalid = await expectDocumented('PUT', '/api/apps/{appId}/external-auth/integrations/{type}', {
      params: { type: 'slack' },
      payload: { scopes: 'chat:write' },
    });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json().extra_data.errors[0].name).toBe('scopes');
    const unconfigured = await expectDocumented('POST', '/api/apps/{appId}/external-auth/plan', {
      payload: { connectors: [{ type: 'no-such-type', scopes: [] }] },
    });
    expect(unconfigured.statusCode).toBe(404);
    const stripe = await expectDocumented('POST', '/api/apps/{appId}/payments/stripe/install');
    expect(stripe.statusCode).toBe(501);
    const token = await expectDocumented('POST', '/oauth/token', {
      headers: {},
      payload: { grant_type: 'refresh_token', refresh_token: 'nope', client_id: 'base44_cli' },
    });
    expect(token.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('describes the login and server routes', async () => {
    await expectDocumented('POST', '/oauth/device/code', {
      headers: {},
      payload: { client_id: 'base44_cli', scope: 'apps:read' },
    });
    await expectDocumented('GET', '/health', { headers: {} });
  });
});
