import type { TokenForIntegrationResponse } from '@base44-connectors/contract';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anApp, aServiceKey, aUser, aWorkspaceKey } from '../support/accounts.js';
import { launchChromium } from '../support/chromium.js';
import { ConnectorApi, sandboxWhoami } from '../support/connectors.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { consentInSandbox } from '../support/sandbox-consent.js';
import { createTestServer, type TestServer } from '../support/server.js';

describe.each(DATABASE_KINDS)('connecting providers through the sandbox on %s', (kind) => {
  let server: TestServer;
  let browser: Browser;
  let api: ConnectorApi;
  let serviceKey: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      createTestServer(kind, { listen: true, sandbox: true }),
      launchChromium(),
    ]);
    const owner = await aUser(server.storage, 'owner@example.com');
    const appId = await anApp(server.storage, owner);
    api = new ConnectorApi(server, appId, { api_key: await aWorkspaceKey(server.storage, owner) });
    serviceKey = await aServiceKey(server.storage, appId);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function connect(type: string, scopes: string[], email = `${type}-account@example.com`) {
    const put = await api.put(type, scopes);
    expect(put).toMatchObject({ already_authorized: false, error: null });
    const consent = await consentInSandbox(browser, put.redirect_url!, {
      email,
      decision: 'allow',
      screenshot: `${kind}-${type}`,
    });
    return { put, consent };
  }

  const token = async (type: string) => ConnectorApi.token(server, api.appId, serviceKey, type);
  const accessToken = async (type: string) =>
    ((await (await token(type)).json()) as TokenForIntegrationResponse).access_token;

  it('connects slack: a link, consent in the browser, and the waiting status answers ACTIVE at once', async () => {
    const put = await api.put('slack', ['chat:write', 'users:read']);
    expect(put.redirect_url).toBe(`${server.url}/oauth/start/${put.connection_id}`);
    expect(await api.status('slack', put.connection_id!)).toEqual({ status: 'PENDING' });

    const waiting = api.status('slack', put.connection_id!, 25);
    const consent = await consentInSandbox(browser, put.redirect_url!, {
      email: 'me@slack.example',
      decision: 'allow',
      screenshot: `${kind}-slack`,
    });
    const started = Date.now();
    expect(await waiting).toEqual({ status: 'ACTIVE' });
    expect(Date.now() - started).toBeLessThan(2000);

    expect(consent.scopesShown).toEqual(['chat:write', 'users:read']);
    expect(consent.status).toBe(200);
    expect(consent.text).toContain('slack is connected - you can close this tab');
    expect((await api.list()).integrations).toEqual([
      {
        integration_type: 'slack',
        status: 'active',
        scopes: ['chat:write', 'users:read'],
        user_email: 'me@slack.example',
        state: 'active',
      },
    ]);
  });

  it('hands the token to backend code holding the service key, and the token works at the provider', async () => {
    await connect('notion', ['read_content']);
    const response = await token('notion');
    expect(response.status).toBe(200);
    const body = (await response.json()) as TokenForIntegrationResponse;
    expect(body).toMatchObject({ integration_type: 'notion', connection_config: null });
    const whoami = await sandboxWhoami(server, body.access_token);
    expect(await whoami.json()).toMatchObject({
      email: 'notion-account@example.com',
      scopes: ['read_content'],
    });
  });

  it('connects a provider that asks for no scopes at all, as Notion does', async () => {
    const { consent } = await connect('box', []);
    expect(consent.scopesShown).toEqual([]);
    expect(consent.text).toContain('box is connected - you can close this tab');
    const response = await token('box');
    expect(response.status).toBe(200);
    const { access_token } = (await response.json()) as TokenForIntegrationResponse;
    expect((await sandboxWhoami(server, access_token)).status).toBe(200);
  });

  it('refreshes a token that expires within five minutes, and the new one works', async () => {
    await connect('googlecalendar', ['https://www.googleapis.com/auth/calendar.readonly']);
    const first = await accessToken('googlecalendar');
    expect(await accessToken('googlecalendar')).toBe(first);

    server.clock.advance(56 * 60);
    const refreshed = await accessToken('googlecalendar');
    server.clock.advance(-56 * 60);
    expect(refreshed).not.toBe(first);
    expect((await sandboxWhoami(server, refreshed)).status).toBe(200);
  });

  it('answers already_authorized when the grant covers the scopes, and a new link when it does not', async () => {
    await connect('linear', ['read', 'write']);
    expect(await api.put('linear', ['read'])).toMatchObject({
      already_authorized: true,
      redirect_url: null,
      connection_id: null,
    });
    expect((await api.list()).integrations.find((i) => i.integration_type === 'linear')?.scopes).toEqual([
      'read',
    ]);

    const wider = await api.put('linear', ['read', 'write', 'admin']);
    expect(wider).toMatchObject({ already_authorized: false });
    expect(wider.redirect_url).toContain('/oauth/start/');
    // Until the new consent completes, the connector keeps working with its old grant.
    expect((await token('linear')).status).toBe(200);
  });

  it('removes a connector and revokes its token at the provider', async () => {
    await connect('dropbox', ['files.content.read']);
    const dropboxToken = await accessToken('dropbox');
    const removed = await api.remove('dropbox');
    expect(await removed.json()).toEqual({ status: 'removed', integration_type: 'dropbox', revoked: true });
    expect((await sandboxWhoami(server, dropboxToken)).status).toBe(401);
    expect((await token('dropbox')).status).toBe(404);
    expect((await api.list()).integrations.map((i) => i.integration_type)).not.toContain('dropbox');
  });

  it('reports a denial at the provider as FAILED with its reason', async () => {
    const put = await api.put('github', ['repo']);
    const consent = await consentInSandbox(browser, put.redirect_url!, {
      email: 'x@example.com',
      decision: 'deny',
    });
    expect(consent.status).toBe(400);
    expect(consent.text).toContain('Access was denied');
    expect(await api.status('github', put.connection_id!)).toEqual({
      status: 'FAILED',
      failure_reason: 'Access was denied at GitHub.',
    });
  });
});
