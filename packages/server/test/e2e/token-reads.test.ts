import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anApp, aServiceKey, aUser, aWorkspaceKey } from '../support/accounts.js';
import { launchChromium } from '../support/chromium.js';
import { ConnectorApi, sandboxWhoami } from '../support/connectors.js';
import { DATABASE_KINDS, storageFlags } from '../support/databases.js';
import { consentInSandbox } from '../support/sandbox-consent.js';
import { createTestServer, type TestServer } from '../support/server.js';
import { runServerCommand } from '../support/server-process.js';

// Token reads are answered from memory on SQLite while the database is unchanged; these check that
// no write, in this process or another, leaves a stale answer behind. The steps build on each other.
describe.each(DATABASE_KINDS)('token reads on %s follow every change at once', (kind) => {
  let server: TestServer;
  let browser: Browser;
  let api: ConnectorApi;
  let appId: string;
  let serviceKey: string;

  const read = () => ConnectorApi.token(server, appId, serviceKey, 'slack');
  const accessToken = async () => {
    const response = await read();
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const connect = async (scopes: string[], screenshot: string) => {
    const put = await api.put('slack', scopes);
    const consent = await consentInSandbox(browser, put.redirect_url!, {
      email: 'me@slack.example',
      decision: 'allow',
      screenshot: `${kind}-token-reads-${screenshot}`,
    });
    expect(consent.status).toBe(200);
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      createTestServer(kind, { listen: true, sandbox: true }),
      launchChromium(),
    ]);
    const owner = await aUser(server.storage, 'owner@example.com');
    appId = await anApp(server.storage, owner);
    serviceKey = await aServiceKey(server.storage, appId);
    api = new ConnectorApi(server, appId, { api_key: await aWorkspaceKey(server.storage, owner) });
    await connect(['chat:write'], 'first');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('answers repeated reads with the same token', async () => {
    const first = await accessToken();
    expect(await accessToken()).toBe(first);
  });

  it('answers the re-authorized token on the first read after the new consent', async () => {
    const before = await accessToken();
    await connect(['chat:write', 'users:read'], 'again');

    const after = await accessToken();
    expect(after).not.toBe(before);
    expect(await (await sandboxWhoami(server, after)).json()).toMatchObject({
      scopes: ['chat:write', 'users:read'],
    });
  });

  it('refuses a service key on the first read after `keys revoke` ran in another process', async () => {
    await accessToken();
    const keyId = /^b44s_([0-9a-f]{16})_/.exec(serviceKey)![1]!;
    const revoked = await runServerCommand(['keys', 'revoke', keyId, ...storageFlags(server.database)]);
    expect(revoked.code).toBe(0);

    expect((await read()).status).toBe(401);
    serviceKey = await aServiceKey(server.storage, appId);
  });

  it('answers 404 on the first read after the connector was removed', async () => {
    await accessToken();
    expect((await api.remove('slack')).status).toBe(200);

    const response = await read();
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'not_connected' });
  });
});
