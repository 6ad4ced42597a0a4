import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EXTENSIONS_HEADER,
  parseExtensionsHeader,
  SERVER_EXTENSIONS,
  type UpsertIntegrationResponse,
} from '@base44-connectors/contract';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anApp, aServiceKey, aUser, aWorkspaceKey } from '../support/accounts.js';
import { anActiveConnector } from '../support/connectors.js';
import { createTestServer, freePort } from '../support/server.js';
import { startServerProcess } from '../support/server-process.js';

const CLOUD_NOT_FOUND = { detail: 'Not Found' };
const SLACK = { slack: { clientId: 'slack-client', clientSecret: 'slack-secret' } };

/** A server with one app, its owner's workspace key and the app's service key. */
async function aServerWithAnApp(options: { publicApiOnly: boolean }) {
  const server = await createTestServer('sqlite', {
    ...options,
    listen: true,
    providers: { credentials: SLACK },
  });
  const owner = await aUser(server.storage, 'owner@example.com');
  const appId = await anApp(server.storage, owner);
  const memberKey = await aWorkspaceKey(server.storage, owner);
  const serviceKey = await aServiceKey(server.storage, appId);
  const call = (method: InjectOptions['method'], path: string, request: Omit<InjectOptions, 'url'> = {}) =>
    server.app.inject({
      method,
      url: `/api/apps/${appId}/${path}`,
      ...request,
      headers: { api_key: memberKey, ...request.headers },
    });
  return { server, owner, appId, memberKey, serviceKey, call };
}

type World = Awaited<ReturnType<typeof aServerWithAnApp>>;

describe('the extensions header, in the normal mode', () => {
  let world: World;
  beforeAll(async () => {
    world = await aServerWithAnApp({ publicApiOnly: false });
  });
  afterAll(() => world.server.close());

  it('names plan, apply and status-wait on a public route, an extension route, an error and a 404', async () => {
    const { server, call } = world;
    const answers = [
      await call('GET', 'external-auth/list'),
      await call('POST', 'external-auth/plan', { payload: { connectors: [] } }),
      await call('GET', 'external-auth/list', { headers: { api_key: 'b44k_wrong' } }),
      await server.app.inject({ method: 'GET', url: '/no/such/route' }),
      await server.app.inject({ method: 'GET', url: '/api/apps/x/external-auth/%zz' }),
    ];
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 401, 404, 400]);
    for (const answer of answers) {
      expect(answer.headers[EXTENSIONS_HEADER]).toBe('plan, apply, status-wait');
      expect(parseExtensionsHeader(answer.headers[EXTENSIONS_HEADER] as string)).toEqual(
        new Set(SERVER_EXTENSIONS),
      );
    }
  });
});

describe('--public-api-only: the Base44 cloud’s contract', () => {
  let world: World;
  let connectionId: string;
  beforeAll(async () => {
    world = await aServerWithAnApp({ publicApiOnly: true });
    const put = await world.call('PUT', 'external-auth/integrations/slack', {
      payload: { scopes: ['chat:write'] },
    });
    connectionId = (put.json() as UpsertIntegrationResponse).connection_id!;
  });
  afterAll(() => world.server.close());

  it('sends no extensions header, on success, error or 404', async () => {
    const answers = [
      await world.call('GET', 'external-auth/list'),
      await world.call('GET', 'external-auth/list', { headers: { api_key: 'b44k_wrong' } }),
      await world.server.app.inject({ method: 'GET', url: '/no/such/route' }),
      await world.server.app.inject({ method: 'GET', url: '/api/apps/x/external-auth/%zz' }),
    ];
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 401, 404, 400]);
    for (const answer of answers) {
      expect(answer.headers[EXTENSIONS_HEADER]).toBeUndefined();
      expect(answer.headers['x-request-id']).toBeDefined();
    }
  });

  it('answers plan, apply and unknown routes 404 {"detail":"Not Found"}', async () => {
    const answers = [
      await world.call('POST', 'external-auth/plan', { payload: { connectors: [] } }),
      await world.call('POST', 'external-auth/apply', { payload: { connectors: [], expected_revision: 0 } }),
      await world.call('GET', 'external-auth/no-such-route'),
      await world.server.app.inject({ method: 'POST', url: '/no/such/route' }),
    ];
    for (const answer of answers) {
      expect(answer.statusCode).toBe(404);
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      expect(answer.body).toBe(JSON.stringify(CLOUD_NOT_FOUND));
    }
  });

  it('answers status at once, whatever wait says', async () => {
    const started = performance.now();
    const answer = await world.call(
      'GET',
      `external-auth/status?integration_type=slack&connection_id=${connectionId}&wait=5`,
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(answer.json()).toEqual({ status: 'PENDING' });
    const unreadable = await world.call(
      'GET',
      `external-auth/status?integration_type=slack&connection_id=${connectionId}&wait=soon`,
    );
    expect(unreadable.json()).toEqual({ status: 'PENDING' });
  });

  it('leaves the [ext] fields out of list, status, available-integrations and remove', async () => {
    const list = (await world.call('GET', 'external-auth/list')).json();
    expect(list.integrations).toEqual([
      { integration_type: 'slack', status: 'disconnected', scopes: ['chat:write'] },
    ]);

    const available = (await world.call('GET', 'external-auth/available-integrations')).json();
    expect(available.integrations.length).toBeGreaterThan(30);
    for (const item of available.integrations) {
      expect(Object.keys(item).sort()).toEqual([
        'connection_config_fields',
        'description',
        'display_name',
        'integration_type',
      ]);
    }

    world.server.clock.advance(11 * 60); // the pending attempt expires: FAILED, which has a reason
    const status = await world.call(
      'GET',
      `external-auth/status?integration_type=slack&connection_id=${connectionId}`,
    );
    expect(status.json()).toEqual({ status: 'FAILED' });

    const removed = await world.call('DELETE', 'external-auth/integrations/slack/remove', {
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toEqual({ status: 'removed', integration_type: 'slack' });
  });

  it('serves everything else as usual: login, tokens, payments, errors', async () => {
    const device = await world.server.app.inject({
      method: 'POST',
      url: '/oauth/device/code',
      payload: { client_id: 'base44_cli', scope: 'apps:read' },
    });
    expect(device.statusCode).toBe(200);
    expect((await world.call('GET', 'payments/stripe/status')).json()).toEqual({ stripe_mode: null });
    const unknownType = await world.call('PUT', 'external-auth/integrations/no-such-type', {
      payload: { scopes: [] },
    });
    expect(unknownType.statusCode).toBe(404);
    expect(unknownType.json()).toMatchObject({ code: 'unknown_integration_type' });

    const { server, owner, appId, serviceKey } = world;
    await anActiveConnector(server, appId, 'notion', { userId: owner.id });
    const token = await server.app.inject({
      method: 'GET',
      url: `/api/apps/${appId}/external-auth/tokens/notion`,
      headers: { authorization: `Bearer ${serviceKey}`, 'x-app-id': appId },
    });
    expect(token.json()).toEqual({
      access_token: 'access-notion',
      integration_type: 'notion',
      connection_config: null,
    });
  });
});

describe('base44-server start --public-api-only', () => {
  it('plays the cloud from the command line', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'b44-public-api-only-'));
    const server = await startServerProcess([
      '--public-api-only',
      '--data-dir',
      dataDir,
      '--port',
      String(await freePort()),
      '--log-level',
      'warn',
    ]);
    try {
      const answer = await fetch(`${server.url}/api/apps/any/external-auth/plan`, { method: 'POST' });
      expect(answer.status).toBe(404);
      expect(await answer.json()).toEqual(CLOUD_NOT_FOUND);
      expect(answer.headers.has(EXTENSIONS_HEADER)).toBe(false);
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
