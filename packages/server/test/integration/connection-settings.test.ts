import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TokenForIntegrationResponse, UpsertIntegrationResponse } from '@base44-connectors/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from '../../../sandbox/test/support/browser.js';
import { loadConfig } from '../../src/config.js';
import { anApp, aServiceKey, aUser, aWorkspaceKey } from '../support/accounts.js';
import { ConnectorApi } from '../support/connectors.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { type ExternalProvider, startExternalProvider } from '../support/external-provider.js';
import { continueStartLink, signInAtProvider } from '../support/http-consent.js';
import { createTestServer, freePort, type TestServer } from '../support/server.js';

// An operator's entry whose endpoint URLs name the setting `host`: its default points at a port
// where nothing listens, so only the person's value, put into every URL, reaches the provider.

const NOWHERE = '127.0.0.1:9';

describe('connection settings given by the person', () => {
  let database: TestDatabase;
  let server: TestServer;
  let provider: ExternalProvider;
  let providerHost: string;

  beforeAll(async () => {
    const port = await freePort();
    [database, provider] = await Promise.all([
      createTestDatabase('sqlite'),
      startExternalProvider({ serverUrl: `http://127.0.0.1:${port}` }),
    ]);
    providerHost = new URL(provider.endpoints.token).host;
    const templated = (url: string) => url.replace(providerHost, '{connection_config.host}');
    const { entry } = provider;
    const withSettings = {
      ...entry,
      connectionConfigFields: [
        {
          name: 'host',
          display_name: 'Host',
          description: 'Where the provider answers',
          placeholder: NOWHERE,
          required: false,
          default: NOWHERE,
          validation_pattern: '^127\\.0\\.0\\.1:[0-9]{1,5}$',
          validation_error: 'must be 127.0.0.1:<port>',
        },
      ],
      authorization: { ...entry.authorization, url: templated(provider.endpoints.authorization) },
      token: { ...entry.token, url: templated(provider.endpoints.token) },
      userInfo: { ...entry.userInfo!, url: templated(provider.endpoints.api) },
      revocation: { ...entry.revocation!, url: templated(provider.endpoints.revocation) },
    };
    const providersFile = join(database.dataDir, 'providers.json');
    await writeFile(
      providersFile,
      JSON.stringify({ credentials: { acme: provider.credentials }, catalog: [withSettings] }),
    );
    const { providers } = loadConfig({ providersFile }, {});
    server = await createTestServer('sqlite', { listen: true, port, database, providers });
  });
  afterAll(async () => {
    await server?.close();
    await provider?.close();
    await database?.dispose();
  });

  async function member() {
    const alice = await aUser(server.storage, `alice-${Math.random()}@example.com`);
    const appId = await anApp(server.storage, alice);
    const headers = { api_key: await aWorkspaceKey(server.storage, alice) };
    return { appId, api: new ConnectorApi(server, appId, headers), headers };
  }

  async function put(api: ConnectorApi, config?: Record<string, unknown>) {
    const response = await api.putRaw('acme', ['read'], config);
    return { status: response.status, body: (await response.json()) as UpsertIntegrationResponse };
  }

  /** Opens the authorization link and answers where the Continue sent the browser, then consents there. */
  async function consent(redirectUrl: string): Promise<string> {
    const browser = new Browser();
    const providerUrl = await continueStartLink(browser, redirectUrl);
    const page = await signInAtProvider(browser, providerUrl, 'acme-user@example.com');
    const { status } = await page.decide('allow');
    expect(status).toBe(200);
    return providerUrl;
  }

  it('sends consent, code exchange, account email and refresh to the host the person gave, and hands it back', async () => {
    const { appId, api, headers } = await member();
    const { body } = await put(api, { host: providerHost });
    const providerUrl = await consent(body.redirect_url!);
    expect(new URL(providerUrl).host).toBe(providerHost);

    const list = await fetch(`${server.url}/api/apps/${appId}/external-auth/list`, { headers });
    const listed = await list.json();
    expect(listed).toMatchObject({
      integrations: [{ integration_type: 'acme', status: 'active', user_email: 'acme-user@example.com' }],
    });

    const serviceKey = await aServiceKey(server.storage, appId);
    const first = (await (
      await ConnectorApi.token(server, appId, serviceKey, 'acme')
    ).json()) as TokenForIntegrationResponse;
    expect(first.connection_config).toEqual({ host: providerHost });

    const before = provider.tokenRequests();
    server.clock.advance(2 * 3600);
    const refreshed = await ConnectorApi.token(server, appId, serviceKey, 'acme');
    expect(refreshed.status).toBe(200);
    const second = (await refreshed.json()) as TokenForIntegrationResponse;
    expect(provider.tokenRequests()).toBe(before + 1);
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.connection_config).toEqual({ host: providerHost });
  });

  it('answers already_authorized for the same settings, and asks for new consent when one changes', async () => {
    const { api } = await member();
    await consent((await put(api, { host: providerHost })).body.redirect_url!);

    expect((await put(api, { host: providerHost })).body).toMatchObject({ already_authorized: true });
    // A client that knows no settings keeps the ones the connector has.
    expect((await put(api)).body).toMatchObject({ already_authorized: true });

    const changed = await put(api, { host: NOWHERE });
    expect(changed.body).toMatchObject({ already_authorized: false, redirect_url: expect.any(String) });
    // The new consent goes to the new host; no setting at all means the default, here the same.
    expect(new URL(await continueStartLink(new Browser(), changed.body.redirect_url!)).host).toBe(NOWHERE);
    expect((await put(api, {})).body).toMatchObject({ already_authorized: false });
  });

  it('refuses an unknown setting, a value its pattern refuses, and a non-string, naming the field and the connector', async () => {
    const { api } = await member();
    const unknown = await put(api, { hots: providerHost });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({
      message: expect.stringContaining('hots of acme: is not a setting of this connector ("host")'),
      extra_data: {
        errors: [{ name: 'connection_config.hots', message: expect.stringContaining('hots of acme') }],
      },
    });

    const mismatch = await put(api, { host: 'evil.example.com' });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body).toMatchObject({
      message: 'Invalid connection_config for Acme: host of acme: must be 127.0.0.1:<port>',
      extra_data: {
        errors: [{ name: 'connection_config.host', message: 'host of acme: must be 127.0.0.1:<port>' }],
      },
    });

    const notText = await put(api, { host: 9 });
    expect(notText.status).toBe(422);
    expect(notText.body).toMatchObject({ extra_data: { errors: [{ name: 'connection_config.host' }] } });
  });

  it('checks the settings of a push the same way, naming the connector of the request', async () => {
    const { appId, headers } = await member();
    const response = await fetch(`${server.url}/api/apps/${appId}/external-auth/plan`, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        connectors: [{ type: 'acme', scopes: ['read'], connection_config: { host: 'x' } }],
      }),
    });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      extra_data: {
        errors: [
          { name: 'connectors.0.connection_config.host', message: 'host of acme: must be 127.0.0.1:<port>' },
        ],
      },
    });
  });
});
