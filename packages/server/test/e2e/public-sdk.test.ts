import { Base44Error, createClient } from '@base44/sdk';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { anApp, aServiceKey, aUser, aWorkspaceKey } from '../support/accounts.js';
import { launchChromium } from '../support/chromium.js';
import { ConnectorApi, sandboxWhoami } from '../support/connectors.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { startRecordingProxy } from '../support/recording-proxy.js';
import { consentInSandbox } from '../support/sandbox-consent.js';
import { createTestServer, type TestServer } from '../support/server.js';

const SLACK_ACCOUNT = 'me@slack.example';

/**
 * The public `@base44/sdk` (0.8.x), unmodified, as an app's backend code creates it: only
 * `serverUrl` points at this server. Analytics is switched off (in Node it sends nothing anyway).
 */
function backendClient(serverUrl: string, appId: string, serviceToken: string) {
  const client = createClient({ serverUrl, appId, serviceToken, analytics: { enabled: false } });
  onTestFinished(() => client.cleanup());
  return client;
}

/** The error the SDK rejects with; its own `console.error` report of it is kept out of the test output. */
async function sdkError(call: () => Promise<unknown>): Promise<Base44Error> {
  const report = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(Base44Error);
    return error as Base44Error;
  } finally {
    report.mockRestore();
  }
  throw new Error('the SDK call succeeded');
}

describe.each(DATABASE_KINDS)('the public @base44/sdk against base44-server on %s', (kind) => {
  let server: TestServer;
  let browser: Browser;
  let appId: string;
  let serviceKey: string;
  let otherAppServiceKey: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      createTestServer(kind, { listen: true, sandbox: true }),
      launchChromium(),
    ]);
    const owner = await aUser(server.storage, 'owner@example.com');
    appId = await anApp(server.storage, owner);
    serviceKey = await aServiceKey(server.storage, appId);
    otherAppServiceKey = await aServiceKey(server.storage, await anApp(server.storage, owner));

    const api = new ConnectorApi(server, appId, { api_key: await aWorkspaceKey(server.storage, owner) });
    const put = await api.put('slack', ['chat:write', 'users:read']);
    const consent = await consentInSandbox(browser, put.redirect_url!, {
      email: SLACK_ACCOUNT,
      decision: 'allow',
      screenshot: `${kind}-public-sdk-slack`,
    });
    expect(consent.status).toBe(200);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('getConnection returns the access token that the provider accepts for the connected account', async () => {
    const base44 = backendClient(server.url, appId, serviceKey);
    const connection = await base44.asServiceRole.connectors.getConnection('slack');

    expect(connection).toEqual({ accessToken: expect.any(String), connectionConfig: null });
    const whoami = await sandboxWhoami(server, connection.accessToken);
    expect(whoami.status).toBe(200);
    expect(await whoami.json()).toMatchObject({
      email: SLACK_ACCOUNT,
      scopes: ['chat:write', 'users:read'],
    });
  });

  it('the deprecated getAccessToken returns the same token as getConnection', async () => {
    const connectors = backendClient(server.url, appId, serviceKey).asServiceRole.connectors;
    const { accessToken } = await connectors.getConnection('slack');
    expect(await connectors.getAccessToken('slack')).toBe(accessToken);
  });

  it('sends one GET of the token API with the service key as Bearer and X-App-Id, and nothing else', async () => {
    const proxy = await startRecordingProxy(server.url);
    onTestFinished(() => proxy.close());
    const base44 = backendClient(proxy.url, appId, serviceKey);
    await base44.asServiceRole.connectors.getConnection('slack');
    await new Promise((resolve) => setTimeout(resolve, 200)); // room for anything sent in the background

    expect(proxy.requests).toHaveLength(1);
    const [sent] = proxy.requests;
    expect(sent).toMatchObject({
      method: 'GET',
      url: `/api/apps/${appId}/external-auth/tokens/slack`,
      headers: { authorization: `Bearer ${serviceKey}`, 'x-app-id': appId },
    });
    expect(sent!.headers.api_key).toBeUndefined();
  });

  it("rejects with the server's 403 when the service key belongs to another app", async () => {
    const base44 = backendClient(server.url, appId, otherAppServiceKey);
    const error = await sdkError(() => base44.asServiceRole.connectors.getConnection('slack'));
    expect(error.status).toBe(403);
    expect(error.code).toBe('forbidden');
    expect(error.message).toContain(appId);
  });

  it("rejects with the server's 404 naming the type when that type is not connected", async () => {
    const base44 = backendClient(server.url, appId, serviceKey);
    const error = await sdkError(() => base44.asServiceRole.connectors.getConnection('notion'));
    expect(error.status).toBe(404);
    expect(error.code).toBe('not_connected');
    expect(error.message).toBe('notion is not connected for this app: run `base44 connectors push`');
  });
});
