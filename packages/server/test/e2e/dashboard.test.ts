import type { TokenForIntegrationResponse } from '@base44-connectors/contract';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/accounts/apps.js';
import type { User } from '../../src/accounts/users.js';
import { storeGrant } from '../../src/connectors/store.js';
import { loadKeyring } from '../../src/vault/keyring.js';
import { Vault } from '../../src/vault/vault.js';
import { aServiceKey, aUser, aWorkspaceKey, PASSWORD } from '../support/accounts.js';
import { launchChromium, saveScreenshot } from '../support/chromium.js';
import { ConnectorApi, sandboxWhoami } from '../support/connectors.js';
import { consentInSandbox } from '../support/sandbox-consent.js';
import { createTestServer, type TestServer } from '../support/server.js';

const CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar.readonly';

// Every dashboard page and action in real Chromium, at a desktop width and at a phone's 390 px,
// with a screenshot of each kept in test-artifacts/dashboard-*.png.
describe('the connectors dashboard in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let owner: User;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      createTestServer('sqlite', { listen: true, sandbox: true }),
      launchChromium(),
    ]);
    owner = await aUser(server.storage, 'owner@example.com');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /**
   * An app as a push leaves it: Slack connected through the sandbox as the CLI does it, GitHub
   * waiting for its first consent, Google Calendar connected, Notion's token lapsed.
   */
  async function anAppWithConnectors(name: string): Promise<{ appId: string; api: ConnectorApi }> {
    const { id: appId } = await createApp(server.storage.db, name, owner, server.clock.now());
    const api = new ConnectorApi(server, appId, { api_key: await aWorkspaceKey(server.storage, owner) });
    const slack = await api.put('slack', ['chat:write', 'users:read']);
    await consentInSandbox(browser, slack.redirect_url!, { email: 'ops@slack.example', decision: 'allow' });
    await api.put('github', ['repo']);
    const vault = new Vault(loadKeyring(server.config.dataDir, undefined));
    const grant = (type: string, scopes: string[], expiresAt: number | null) =>
      storeGrant(
        server.storage.db,
        vault,
        appId,
        type,
        {
          userId: owner.id,
          scopes,
          grantedScopes: scopes,
          accountEmail: `calendar-and-notes.team@very-long-company-domain.example`,
          accessToken: `access-${type}`,
          refreshToken: expiresAt === null ? `refresh-${type}` : null,
          expiresAt,
          connectionConfig: {},
        },
        server.clock.now(),
      );
    await grant('googlecalendar', [CALENDAR_SCOPE], null);
    await grant('notion', ['read_content'], server.clock.now() - 60_000);
    return { appId, api };
  }

  async function newPage(width: number): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width, height: width < 500 ? 844 : 900 } });
    context.setDefaultTimeout(15_000);
    return { context, page: await context.newPage() };
  }

  async function signIn(page: Page): Promise<void> {
    await page.getByLabel('Email').fill('owner@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** The person on the sandbox's pages, in the same tab the dashboard sent there; ends on the callback page. */
  async function consentHere(page: Page, email: string, shot: string): Promise<void> {
    await page.getByLabel(/email/i).fill(email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Allow' }).waitFor();
    await saveScreenshot(page, `${shot}-consent`);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(/\/oauth\/callback\?/);
  }

  const row = (page: Page, type: string) => page.locator(`#connector-${type}`);
  const activity = (page: Page) => page.locator('h2:has-text("Activity") + p + div table tbody tr');

  it('signs in, lists the apps, authorizes, re-authorizes and removes connectors, and shows the trail', async () => {
    const { appId, api } = await anAppWithConnectors('Customer support inbox');
    const serviceKey = await aServiceKey(server.storage, appId);
    const { context, page } = await newPage(1280);
    try {
      await page.goto(server.url);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/dashboard/sign-in');
      await saveScreenshot(page, 'dashboard-sign-in');
      await page.getByLabel('Email').fill('owner@example.com');
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      expect(await page.getByRole('alert').textContent()).toBe('Wrong email or password.');
      await saveScreenshot(page, 'dashboard-sign-in-wrong-password');

      await signIn(page);
      await page.getByRole('heading', { name: 'Your apps' }).waitFor();
      expect(await page.locator('ul.apps').textContent()).toContain('4 connectors');
      await saveScreenshot(page, 'dashboard-apps');

      await page.getByRole('link', { name: 'Customer support inbox' }).click();
      await page.getByRole('heading', { name: 'Customer support inbox' }).waitFor();
      expect(await row(page, 'slack').locator('.status').textContent()).toBe('active');
      expect(await row(page, 'github').locator('.status').textContent()).toBe('pending');
      expect(await row(page, 'notion').locator('.status').textContent()).toBe('expired');
      expect(await row(page, 'slack').textContent()).toContain('ops@slack.example');
      await saveScreenshot(page, 'dashboard-app');

      // Authorize: GitHub never completed its first consent.
      await row(page, 'github').getByRole('button', { name: 'Authorize GitHub' }).click();
      await consentHere(page, 'octocat@github.example', 'dashboard-authorize');
      expect(await page.locator('h1').textContent()).toBe('github is connected - you can close this tab');
      await saveScreenshot(page, 'dashboard-authorize-callback');
      await page.getByRole('link', { name: "See the app's connectors" }).click();
      expect(await row(page, 'github').locator('.status').textContent()).toBe('active');
      expect(await row(page, 'github').textContent()).toContain('octocat@github.example');
      expect(await activity(page).first().textContent()).toContain('Connected');
      await saveScreenshot(page, 'dashboard-after-authorize');

      // Re-authorize: Slack works, and is connected again with another account.
      await row(page, 'slack').getByRole('button', { name: 'Re-authorize Slack' }).click();
      await consentHere(page, 'night-shift@slack.example', 'dashboard-reauthorize');
      await saveScreenshot(page, 'dashboard-reauthorize-callback');
      await page.getByRole('link', { name: "See the app's connectors" }).click();
      expect(await row(page, 'slack').textContent()).toContain('night-shift@slack.example');
      expect(await activity(page).first().textContent()).toContain('Re-authorized');
      await saveScreenshot(page, 'dashboard-after-reauthorize');

      // Re-authorize the lapsed Notion connector: it becomes active again.
      await row(page, 'notion').getByRole('button', { name: 'Re-authorize Notion' }).click();
      await consentHere(page, 'notes@notion.example', 'dashboard-reauthorize-expired');
      await page.getByRole('link', { name: "See the app's connectors" }).click();
      expect(await row(page, 'notion').locator('.status').textContent()).toBe('active');

      // Remove: a confirmation naming what goes, Cancel keeps it, Remove revokes and deletes it.
      const slackToken = (await (
        await ConnectorApi.token(server, appId, serviceKey, 'slack')
      ).json()) as TokenForIntegrationResponse;
      await row(page, 'slack').getByRole('link', { name: 'Remove Slack' }).click();
      await page.getByRole('heading', { name: 'Remove Slack from Customer support inbox?' }).waitFor();
      const loss = await page.locator('ul.loss').textContent();
      expect(loss).toContain('night-shift@slack.example');
      expect(loss).toContain('which are also revoked at Slack');
      await saveScreenshot(page, 'dashboard-remove-confirm');
      await page.getByRole('link', { name: 'Cancel' }).click();
      expect(await row(page, 'slack').count()).toBe(1);
      await row(page, 'slack').getByRole('link', { name: 'Remove Slack' }).click();
      await page.getByRole('button', { name: 'Remove Slack' }).click();
      await page.getByRole('status').waitFor();
      expect(await page.getByRole('status').textContent()).toBe(
        'Slack was removed. Its tokens were revoked at the provider.',
      );
      expect(await row(page, 'slack').count()).toBe(0);
      expect(await activity(page).first().textContent()).toContain('Removed');
      expect((await sandboxWhoami(server, slackToken.access_token)).status).toBe(401);
      expect((await api.list()).integrations.map((i) => i.integration_type)).not.toContain('slack');
      await saveScreenshot(page, 'dashboard-after-remove');

      // Another app's page, and one that does not exist, are refused alike.
      const other = await createApp(
        server.storage.db,
        'Not yours',
        await aUser(server.storage, 'x@example.com'),
        0,
      );
      for (const id of [other.id, '000000000000000000000000']) {
        const response = await page.goto(`${server.url}/dashboard/apps/${id}`);
        expect(response?.status()).toBe(403);
        await page.getByRole('heading', { name: 'No access' }).waitFor();
      }
      await saveScreenshot(page, 'dashboard-no-access');

      await page.goto(`${server.url}/dashboard`);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await page.goto(`${server.url}/dashboard/apps/${appId}`);
      expect(new URL(page.url()).pathname).toBe('/dashboard/sign-in');
      await saveScreenshot(page, 'dashboard-signed-out');
    } catch (error) {
      await saveScreenshot(page, 'dashboard-failed').catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
  });

  it('fits every page and action into a 390 px wide phone screen without sideways scrolling', async () => {
    const { appId } = await anAppWithConnectors('Field service app with a rather long name for a phone');
    const { context, page } = await newPage(390);
    const fits = async (shot: string) => {
      await saveScreenshot(page, `dashboard-390-${shot}`);
      const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
      expect(width, shot).toBeLessThanOrEqual(390);
    };
    try {
      await page.goto(`${server.url}/dashboard/apps/${appId}`);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await fits('sign-in');
      await signIn(page);
      await page
        .getByRole('heading', { name: 'Field service app with a rather long name for a phone' })
        .waitFor();
      await fits('app');
      // The table is a stack of cards here: each value carries its column's name.
      expect(await row(page, 'googlecalendar').textContent()).toContain(CALENDAR_SCOPE);
      expect(await page.locator('thead').first().isVisible()).toBe(false);

      await page.getByRole('link', { name: 'Your apps' }).click();
      await page.getByRole('heading', { name: 'Your apps' }).waitFor();
      await fits('apps');

      await page.goto(`${server.url}/dashboard/apps/${appId}`);
      await row(page, 'googlecalendar').getByRole('button', { name: 'Re-authorize Google Calendar' }).click();
      await consentHere(page, 'calendar@google.example', 'dashboard-390-reauthorize');
      await fits('reauthorize-callback');
      await page.getByRole('link', { name: "See the app's connectors" }).click();
      expect(await row(page, 'googlecalendar').textContent()).toContain('calendar@google.example');
      await fits('after-reauthorize');

      await row(page, 'notion').getByRole('link', { name: 'Remove Notion' }).click();
      await page.getByRole('heading', { name: /^Remove Notion from/ }).waitFor();
      await fits('remove-confirm');
      await page.getByRole('button', { name: 'Remove Notion' }).click();
      await page.getByRole('status').waitFor();
      await fits('after-remove');

      await page.goto(`${server.url}/dashboard/apps/000000000000000000000000`);
      await fits('no-access');
    } catch (error) {
      await saveScreenshot(page, 'dashboard-390-failed').catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
  });
});
