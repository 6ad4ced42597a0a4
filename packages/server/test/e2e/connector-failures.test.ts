import type { TokenForIntegrationResponse } from '@base44-connectors/contract';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findConnector, openTokens } from '../../src/connectors/store.js';
import { loadKeyring } from '../../src/vault/keyring.js';
import { Vault } from '../../src/vault/vault.js';
import { anApp, aServiceKey, aUser, aWorkspaceKey } from '../support/accounts.js';
import { launchChromium } from '../support/chromium.js';
import { ConnectorApi } from '../support/connectors.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { type ExternalProvider, startExternalProvider } from '../support/external-provider.js';
import { consentInSandbox } from '../support/sandbox-consent.js';
import { createTestServer, freePort, type TestServer } from '../support/server.js';

describe.each(DATABASE_KINDS)('a configured provider, and everything that can go wrong, on %s', (kind) => {
  let server: TestServer;
  let provider: ExternalProvider;
  let browser: Browser;
  let owner: ConnectorApi;
  let member: ConnectorApi;
  let serviceKey: string;

  beforeAll(async () => {
    const port = await freePort();
    provider = await startExternalProvider({ serverUrl: `http://127.0.0.1:${port}` });
    [server, browser] = await Promise.all([
      createTestServer(kind, {
        listen: true,
        port,
        providers: { credentials: { acme: provider.credentials }, extraCatalog: [provider.entry] },
      }),
      launchChromium(),
    ]);
    const alice = await aUser(server.storage, 'alice@example.com');
    const bob = await aUser(server.storage, 'bob@example.com');
    const appId = await anApp(server.storage, alice, [bob]);
    owner = new ConnectorApi(server, appId, { api_key: await aWorkspaceKey(server.storage, alice) });
    member = new ConnectorApi(server, appId, { api_key: await aWorkspaceKey(server.storage, bob) });
    serviceKey = await aServiceKey(server.storage, appId);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await provider?.close();
  });

  const token = (type = 'acme') => ConnectorApi.token(server, owner.appId, serviceKey, type);

  /** A consent that stops before the callback reaches the server, which the test then delivers itself. */
  async function interceptedCallback(): Promise<{ callbackUrl: string; connectionId: string }> {
    await owner.remove('acme'); // start each case from nothing; a 404 is fine
    const put = await owner.put('acme', ['read']);
    const consent = await consentInSandbox(browser, put.redirect_url!, {
      email: 'acme-user@example.com',
      decision: 'allow',
      interceptCallback: true,
    });
    return { callbackUrl: consent.callbackUrl, connectionId: put.connection_id! };
  }

  it('connects a provider known only from the configuration, with client_secret_post, all in the browser', async () => {
    await owner.remove('acme');
    const put = await owner.put('acme', ['read']);
    const consent = await consentInSandbox(browser, put.redirect_url!, {
      email: 'acme-user@example.com',
      decision: 'allow',
      screenshot: `${kind}-acme`,
    });
    expect(new URL(consent.callbackUrl).searchParams.get('iss')).toBe(provider.entry.issuer);
    expect(consent.status).toBe(200);
    expect(consent.text).toContain('acme is connected - you can close this tab');
    expect(await owner.status('acme', put.connection_id!)).toEqual({ status: 'ACTIVE' });
    expect((await owner.list()).integrations).toContainEqual({
      integration_type: 'acme',
      status: 'active',
      scopes: ['read'],
      user_email: 'acme-user@example.com',
      state: 'active',
    });
  });

  it('refuses a replayed callback and keeps the connector as it was', async () => {
    const { callbackUrl } = await interceptedCallback();
    expect((await fetch(callbackUrl)).status).toBe(200);
    const replay = await fetch(callbackUrl);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('unknown or was already used');
    expect((await token()).status).toBe(200);
  });

  it('refuses a tampered state, while the genuine callback still works', async () => {
    const { callbackUrl } = await interceptedCallback();
    const tampered = new URL(callbackUrl);
    const state = tampered.searchParams.get('state')!;
    tampered.searchParams.set('state', `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`);
    expect((await fetch(tampered)).status).toBe(400);
    expect((await fetch(callbackUrl)).status).toBe(200);
  });

  it('fails an authorization completed after its ten minutes', async () => {
    const { callbackUrl, connectionId } = await interceptedCallback();
    server.clock.advance(601);
    try {
      const late = await fetch(callbackUrl);
      expect(late.status).toBe(400);
      expect(await late.text()).toContain('not completed within 10 minutes');
      expect(await owner.status('acme', connectionId)).toMatchObject({ status: 'FAILED' });
    } finally {
      server.clock.advance(-601);
    }
  });

  it('refuses a response that claims another issuer (mix-up defence)', async () => {
    const { callbackUrl, connectionId } = await interceptedCallback();
    const mixedUp = new URL(callbackUrl);
    mixedUp.searchParams.set('iss', 'https://evil.example');
    const page = await fetch(mixedUp);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('The answer said to be from Acme was refused');
    expect(await owner.status('acme', connectionId)).toMatchObject({ status: 'FAILED' });
    expect((await token()).status).toBe(404);
  });

  it('fails clearly when the token endpoint answers 500', async () => {
    const { callbackUrl, connectionId } = await interceptedCallback();
    provider.failTokenEndpoint(true);
    try {
      const page = await fetch(callbackUrl);
      expect(page.status).toBe(502);
      expect(await page.text()).toContain('Acme did not hand out a token: Acme answered 500');
      expect(await owner.status('acme', connectionId)).toMatchObject({ status: 'FAILED' });
    } finally {
      provider.failTokenEndpoint(false);
    }
  });

  it('answers different_user when another member already connected the type', async () => {
    const { callbackUrl } = await interceptedCallback();
    await fetch(callbackUrl);
    expect(await member.put('acme', ['read'])).toEqual({
      redirect_url: null,
      connection_id: null,
      already_authorized: false,
      error: 'different_user',
      error_message: 'acme is already connected by alice@example.com; only they can change its scopes',
      other_user_email: 'alice@example.com',
    });
  });

  it('keeps serving a valid token while the provider is down, and says 503 once it has lapsed', async () => {
    const { callbackUrl } = await interceptedCallback();
    await fetch(callbackUrl);
    const current = ((await (await token()).json()) as TokenForIntegrationResponse).access_token;
    provider.failTokenEndpoint(true);
    try {
      server.clock.advance(58 * 60);
      expect(((await (await token()).json()) as TokenForIntegrationResponse).access_token).toBe(current);
      server.clock.advance(5 * 60);
      const lapsed = await token();
      expect(lapsed.status).toBe(503);
      expect(lapsed.headers.get('retry-after')).toBe('5');
    } finally {
      server.clock.advance(-63 * 60);
      provider.failTokenEndpoint(false);
    }
  });

  it('marks the connector expired when the provider refuses the refresh token', async () => {
    const { callbackUrl } = await interceptedCallback();
    await fetch(callbackUrl);
    await revokeAtProvider(provider, server, owner.appId);
    server.clock.advance(56 * 60);
    try {
      const refused = await token();
      expect(refused.status).toBe(409);
      expect(await refused.json()).toMatchObject({ code: 'connector_needs_authorization' });
      expect((await owner.list()).integrations.find((i) => i.integration_type === 'acme')?.status).toBe(
        'expired',
      );
    } finally {
      server.clock.advance(-56 * 60);
    }
  });

  it('names the settings a provider without credentials needs', async () => {
    const unconfigured = await owner.putRaw('slack', []);
    expect(unconfigured.status).toBe(400);
    expect(await unconfigured.json()).toEqual({
      message:
        'Slack is not configured on this server: set BASE44_PROVIDER_SLACK_CLIENT_ID and BASE44_PROVIDER_SLACK_CLIENT_SECRET (or start the server with --sandbox)',
      code: 'provider_not_configured',
    });
  });

  it('refuses Wix, naming it and saying why, and does not offer it', async () => {
    const refused = await owner.putRaw('wix', []);
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { code: string; message: string };
    expect(body).toMatchObject({ code: 'provider_unsupported' });
    expect(body.message).toMatch(
      /^Wix cannot be connected through this server: Wix no longer offers the OAuth/,
    );
    const available = await owner.availableIntegrations();
    expect(available.integrations.map((i) => i.integration_type)).not.toContain('wix');
    expect(available.integrations.map((i) => i.integration_type)).toContain('slack');
  });

  it('suggests the closest type for one it does not know', async () => {
    const unknown = await owner.putRaw('slak', []);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      message: 'Unknown integration type "slak". Did you mean "slack"?',
    });
  });
});

/** Revokes the grant behind the server's back, as a person would in the provider's settings. */
async function revokeAtProvider(
  provider: ExternalProvider,
  server: TestServer,
  appId: string,
): Promise<void> {
  const vault = new Vault(loadKeyring(server.config.dataDir, undefined));
  const connector = await findConnector(server.storage.db, appId, provider.type);
  const { refreshToken } = openTokens(vault, connector!);
  const revocation = await fetch(provider.endpoints.revocation, {
    method: 'POST',
    body: new URLSearchParams({ token: refreshToken!, ...provider.credentialsAsForm }),
  });
  expect(revocation.status).toBe(200);
}
