import type { TokenForIntegrationResponse } from '@base44-connectors/contract';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anApp, aServiceKey, aUser, aWorkspaceKey } from '../support/accounts.js';
import { launchChromium } from '../support/chromium.js';
import { ConnectorApi, sandboxWhoami } from '../support/connectors.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { consentInSandbox } from '../support/sandbox-consent.js';
import { createTestServer, freePort, type TestServer } from '../support/server.js';

describe('the sandbox provider across a server restart', () => {
  let database: TestDatabase;
  let browser: Browser;
  let server: TestServer | undefined;

  beforeAll(async () => {
    [database, browser] = await Promise.all([createTestDatabase('sqlite'), launchChromium()]);
  });
  afterAll(async () => {
    await server?.close();
    await browser?.close();
    await database?.dispose();
  });

  it('keeps its grants: the token still works after a restart, and refreshes there', async () => {
    const port = await freePort();
    server = await createTestServer('sqlite', { listen: true, sandbox: true, database, port });
    const owner = await aUser(server.storage, 'owner@example.com');
    const appId = await anApp(server.storage, owner);
    const api = new ConnectorApi(server, appId, { api_key: await aWorkspaceKey(server.storage, owner) });
    const serviceKey = await aServiceKey(server.storage, appId);
    const put = await api.put('slack', ['chat:write']);
    await consentInSandbox(browser, put.redirect_url!, { email: 'me@slack.example', decision: 'allow' });
    const tokenOf = async (current: TestServer) =>
      (
        (await (
          await ConnectorApi.token(current, appId, serviceKey, 'slack')
        ).json()) as TokenForIntegrationResponse
      ).access_token;
    const before = await tokenOf(server);

    await server.close();
    server = await createTestServer('sqlite', { listen: true, sandbox: true, database, port });
    expect(await tokenOf(server)).toBe(before);
    expect(await (await sandboxWhoami(server, before)).json()).toMatchObject({ email: 'me@slack.example' });

    server.clock.advance(56 * 60);
    const refreshed = await tokenOf(server);
    expect(refreshed).not.toBe(before);
    expect((await sandboxWhoami(server, refreshed)).status).toBe(200);
  });
});
