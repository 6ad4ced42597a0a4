import type {
  ListIntegrationsResponse,
  ProviderEntryInput,
  TokenForIntegrationResponse,
} from '@base44-connectors/contract';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProvider } from '../../../src/broker/catalog/index.js';
import { anApp, aServiceKey, aUser, aWorkspaceKey } from '../../support/accounts.js';
import { launchChromium, saveScreenshot } from '../../support/chromium.js';
import { ConnectorApi } from '../../support/connectors.js';
import { registerCallbackSecrets } from '../../support/sandbox-consent.js';
import { createTestServer, freePort, type TestServer } from '../../support/server.js';
import {
  type DocumentedProvider,
  type ProviderScript,
  startDocumentedProvider,
} from './documented-provider.js';
import { routeHostsInBrowser, routeHostsInProcess } from './provider-network.js';

/**
 * `conformance <type>` for each script: the whole life of one connection between base44-server,
 * with the catalog entry exactly as it ships, and a local fake of the provider built from its
 * documentation. Only the network is replaced: the broker calls the entry's real https URLs and
 * Chromium opens the real authorization URL, and both reach the fake. The life:
 *
 * 1. consent in Chromium, and the provider's documented refusal of the code: the attempt fails;
 * 2. consent again, the code exchanged: the connector is active, with the account's email;
 * 3. the token API hands backend code the access token and the connection_config;
 * 4. the token expires: the token API refreshes it (twice, to prove a rotated refresh token was
 *    kept), or, where tokens never expire, never asks;
 * 5. removal revokes the grant where the provider documents revocation;
 *
 * and through all of it the fake saw nothing its documentation does not allow.
 */
export function describeConformance(scripts: readonly ProviderScript[]): void {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  describe.each(scripts.map((script) => [testName(script), script] as const))('%s', (name, script) => {
    it(`conformance ${name}`, { timeout: 60_000 }, async () => {
      await liveOneConnection(browser, script);
    });
  });
}

function testName(script: ProviderScript): string {
  const variant = script.variant ?? script.settings?.name;
  return variant ? `${script.type} (${variant})` : script.type;
}

/**
 * One life; `entryOverride` replaces the shipped catalog entry (through the providers file, as an
 * operator would), for tests that prove a deviating entry fails.
 */
export async function liveOneConnection(
  browser: Browser,
  script: ProviderScript,
  entryOverride?: ProviderEntryInput,
): Promise<void> {
  const entry = findProvider(script.type);
  if (!entry) throw new Error(`${script.type} is not in the catalog`);
  const port = await freePort();
  const provider = await startDocumentedProvider(script, `http://127.0.0.1:${port}/oauth/callback`);
  const unroute = await routeHostsInProcess(provider.hosts, provider.origin);
  let server: TestServer | undefined;
  try {
    const { books } = provider;
    server = await createTestServer('sqlite', {
      listen: true,
      port,
      providers: {
        credentials: { [script.type]: { clientId: books.clientId, clientSecret: books.clientSecret } },
        extraCatalog: entryOverride ? [entryOverride] : [],
      },
    });
    const alice = await aUser(server.storage, 'alice@example.com');
    const appId = await anApp(server.storage, alice);
    const owner = new ConnectorApi(server, appId, { api_key: await aWorkspaceKey(server.storage, alice) });
    const serviceKey = await aServiceKey(server.storage, appId);
    const noViolations = () => expectNoViolations(provider);

    // 1. The documented refusal of a code fails the attempt, and nothing is stored.
    books.refuseNextCode = true;
    const refused = await owner.put(script.type, entry.defaultScopes, script.settings?.values);
    await consentInChromium(browser, provider, refused.redirect_url!, `conformance-${script.type}-refused`);
    expect(await owner.status(script.type, refused.connection_id!)).toMatchObject({ status: 'FAILED' });
    expect((await ConnectorApi.token(server, appId, serviceKey, script.type)).status).toBe(404);
    noViolations();

    // 2. Consent and code exchange.
    const put = await owner.put(script.type, entry.defaultScopes, script.settings?.values);
    await consentInChromium(browser, provider, put.redirect_url!, `conformance-${script.type}`);
    noViolations();
    const connected = await owner.status(script.type, put.connection_id!);
    expect(connected, connected.failure_reason).toMatchObject({ status: 'ACTIVE' });
    const listed = (await owner.list()) as ListIntegrationsResponse;
    const connector = listed.integrations.find((integration) => integration.integration_type === script.type);
    expect(connector).toMatchObject({ status: 'active' });
    expect(connector?.user_email ?? null).toBe(script.expectations.email);

    // 3. What backend code receives.
    const read = async () => {
      const answer = await ConnectorApi.token(server!, appId, serviceKey, script.type);
      expect(answer.status, await answer.clone().text()).toBe(200);
      return (await answer.json()) as TokenForIntegrationResponse;
    };
    const first = await read();
    expect(first.access_token).toBe(books.current().accessToken);
    expect(first.connection_config ?? {}).toEqual(script.expectations.connectionConfig(books));

    // 4. Expiry: refresh (twice, so a rotated refresh token must have been kept), or nothing to do.
    const tokenCalls = books.called('token');
    const lifetime = script.expectations.accessTokenLifetime;
    if (script.expectations.lapsesWithoutRefresh) {
      server.clock.advance(lifetime ?? 0);
      const lapsed = await ConnectorApi.token(server, appId, serviceKey, script.type);
      expect(lapsed.status).toBe(409);
      expect(await lapsed.json()).toMatchObject({ code: 'connector_needs_authorization' });
      const relisted = (await owner.list()) as ListIntegrationsResponse;
      expect(relisted.integrations.find((item) => item.integration_type === script.type)).toMatchObject({
        status: 'expired',
      });
      expect(books.called('token'), 'token requests after the exchange').toBe(tokenCalls);
    } else if (lifetime === null) {
      server.clock.advance(90 * 24 * 3600);
      expect((await read()).access_token).toBe(first.access_token);
      expect(books.called('token'), 'token requests after the exchange').toBe(tokenCalls);
    } else {
      for (const round of [1, 2]) {
        const before = books.current().refreshToken;
        server.clock.advance(lifetime);
        const refreshed = await read();
        noViolations();
        expect(books.current().refreshes, `refreshes after expiry ${round}`).toBe(round);
        expect(refreshed.access_token).toBe(books.current().accessToken);
        expect(refreshed.connection_config ?? {}).toEqual(script.expectations.connectionConfig(books));
        if (script.expectations.rotatesRefreshTokens) expect(books.current().refreshToken).not.toBe(before);
      }
    }

    // 5. Removal: the grant is revoked at the provider where it documents how.
    const grant = books.current();
    expect((await owner.remove(script.type)).status).toBe(200);
    noViolations();
    expect(grant.revoked, 'the grant is revoked at the provider').toBe(script.expectations.revokesOnRemoval);
    if (!script.expectations.revokesOnRemoval) expect(books.called('revocation')).toBe(0);
    expect((await ConnectorApi.token(server, appId, serviceKey, script.type)).status).toBe(404);
  } finally {
    await server?.close();
    await unroute();
    await provider.close();
  }
}

/**
 * A person opens the connector's link: the server's confirmation page (Continue), then the
 * provider's consent page (Allow), then back at the server's callback page.
 */
async function consentInChromium(
  browser: Browser,
  provider: DocumentedProvider,
  startUrl: string,
  screenshot: string,
): Promise<void> {
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  await routeHostsInBrowser(context, provider.hosts, provider.origin);
  const page = await context.newPage();
  try {
    await page.goto(startUrl);
    await page.getByRole('button', { name: /^Continue to / }).click();
    await page.waitForURL((url) => provider.hosts.includes(url.hostname));
    expectNoViolations(provider);
    await page.getByRole('button', { name: 'Allow' }).waitFor();
    const callback = page.waitForResponse((response) => response.url().includes('/oauth/callback?'));
    await page.getByRole('button', { name: 'Allow' }).click();
    registerCallbackSecrets((await callback).url());
    await page.waitForLoadState();
  } catch (error) {
    await saveScreenshot(page, `${screenshot}-failed`).catch(() => undefined);
    throw error;
  } finally {
    await context.close();
  }
}

/** Fails with every request the fake refused, and why. */
function expectNoViolations(provider: DocumentedProvider): void {
  const { violations, type } = provider.books;
  if (violations.length > 0) throw new Error(`the ${type} fake refused:\n- ${violations.join('\n- ')}`);
}
