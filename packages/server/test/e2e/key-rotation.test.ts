import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TokenForIntegrationResponse } from '@base44-connectors/contract';
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anApp, aServiceKey, aUser, aWorkspaceKey } from '../support/accounts.js';
import { launchChromium } from '../support/chromium.js';
import { ConnectorApi, sandboxWhoami } from '../support/connectors.js';
import { storageFlags } from '../support/databases.js';
import { consentInSandbox } from '../support/sandbox-consent.js';
import { createTestServer, type TestServer } from '../support/server.js';
import { runServerCommand } from '../support/server-process.js';

describe('rotating the encryption key', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      createTestServer('sqlite', { listen: true, sandbox: true }),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('re-encrypts every token with a new key while the server runs, and every connector keeps working', async () => {
    const owner = await aUser(server.storage, 'owner@example.com');
    const appId = await anApp(server.storage, owner);
    const api = new ConnectorApi(server, appId, { api_key: await aWorkspaceKey(server.storage, owner) });
    const serviceKey = await aServiceKey(server.storage, appId);
    for (const type of ['slack', 'notion']) {
      const put = await api.put(type, ['read']);
      await consentInSandbox(browser, put.redirect_url!, { email: `${type}@example.com`, decision: 'allow' });
    }
    const tokenOf = async (type: string) =>
      (
        (await (
          await ConnectorApi.token(server, appId, serviceKey, type)
        ).json()) as TokenForIntegrationResponse
      ).access_token;
    const before = { slack: await tokenOf('slack'), notion: await tokenOf('notion') };

    const rotated = await runServerCommand(['keys', 'rotate-encryption', ...storageFlags(server.database)]);
    expect(rotated.code).toBe(0);
    const keyId = /with key (k[0-9a-f]{8})/.exec(rotated.stdout)?.[1];
    // 4 connector tokens, and the sandbox provider's own records (sealed by the same vault).
    const count = Number(/re-encrypted (\d+) secrets/.exec(rotated.stdout)?.[1]);
    expect(count).toBeGreaterThan(4);

    const keys = JSON.parse(await readFile(join(server.database.dataDir, 'encryption-keys.json'), 'utf8'));
    expect(keys.current).toBe(keyId);
    const sqlite = new Database(join(server.database.dataDir, 'base44.db'), { readonly: true });
    const sealed = sqlite.prepare('select access_token, refresh_token from connectors').all() as {
      access_token: string;
      refresh_token: string;
    }[];
    const sandboxRecords = sqlite.prepare('select payload from sandbox_records').all() as {
      payload: string;
    }[];
    sqlite.close();
    for (const row of sealed) {
      expect(row.access_token.split('.')[1]).toBe(keyId);
      expect(row.refresh_token.split('.')[1]).toBe(keyId);
    }
    expect(sandboxRecords.length).toBe(count - 4);
    for (const record of sandboxRecords) expect(record.payload.split('.')[1]).toBe(keyId);
    expect({ slack: await tokenOf('slack'), notion: await tokenOf('notion') }).toEqual(before);
    // The sandbox opens its re-sealed records too: the provider still knows the token.
    expect((await sandboxWhoami(server, before.slack)).status).toBe(200);
  });
});
