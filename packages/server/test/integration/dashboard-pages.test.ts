import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyEvent, findConnector } from '../../src/connectors/store.js';
import { anApp, aWorkspaceKey, PASSWORD } from '../support/accounts.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { DashboardWorld, rowOf } from './dashboard-fixtures.js';

// The connectors dashboard's pages and actions as a browser without JavaScript uses them: who may
// see what, CSRF, escaping, and authorizing and removing connectors through the API's own code paths.
describe.each(DATABASE_KINDS)('the connectors dashboard on %s', (kind) => {
  let world: DashboardWorld;
  beforeEach(async () => {
    world = await DashboardWorld.create(kind);
  });
  afterEach(() => world.close());

  describe('access', () => {
    it("lists only the apps the user is a member of, with each app's connector count", async () => {
      await world.activate('slack');
      await anApp(world.server.storage, world.outsider);
      const browser = await world.signedIn('teammate@example.com');
      const page = await browser.get('/dashboard');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(`href="/dashboard/apps/${world.appId}"`);
      expect(page.body).toContain('1 connector');
      expect(page.body.match(/href="\/dashboard\/apps\//g)).toHaveLength(1);

      const alone = await world.signedIn('outsider@example.com');
      expect((await alone.get('/dashboard')).body).not.toContain(world.appId);
    });

    it('answers 403 to a non-member and for an unknown or malformed app alike, on every page and action', async () => {
      await world.activate('slack');
      const browser = await world.signedIn('outsider@example.com');
      const pages = [
        `/dashboard/apps/${world.appId}`,
        '/dashboard/apps/000000000000000000000000',
        '/dashboard/apps/no%20such%20app',
        `/dashboard/apps/${world.appId}/connectors/slack/remove`,
      ];
      for (const url of pages) {
        const response = await browser.get(url);
        expect(response.statusCode, url).toBe(403);
        expect(response.body).toContain('You have no access to this app, or there is no such app.');
        expect(response.body).not.toContain('slack@accounts.example');
      }
      for (const action of ['authorize', 'remove']) {
        const response = await browser.post(`/dashboard/apps/${world.appId}/connectors/slack/${action}`, {});
        expect(response.statusCode, action).toBe(403);
      }
      expect((await findConnector(world.server.storage.db, world.appId, 'slack'))?.state).toBe('active');
      expect(await world.auditRows()).toEqual([]);
    });

    it('refuses every form posted without its CSRF token, and changes nothing', async () => {
      await world.activate('slack');
      const browser = await world.signedIn();
      await browser.get(`/dashboard/apps/${world.appId}`);
      for (const url of [
        `/dashboard/apps/${world.appId}/connectors/slack/authorize`,
        `/dashboard/apps/${world.appId}/connectors/slack/remove`,
        '/dashboard/sign-out',
        '/dashboard/sign-in',
      ]) {
        const response = await browser.post(
          url,
          { email: 'owner@example.com', password: PASSWORD },
          { csrf: false },
        );
        expect(response.statusCode, url).toBe(403);
        expect(response.body).toContain('The form expired or did not come from this site');
      }
      expect((await findConnector(world.server.storage.db, world.appId, 'slack'))?.state).toBe('active');
      expect((await browser.get(`/dashboard/apps/${world.appId}`)).statusCode).toBe(200);
      expect(await world.auditRows()).toEqual([]);
    });
  });

  describe('the app page', () => {
    it('shows each connector with its own state, account, scopes and times', async () => {
      await world.activate('slack', { scopes: ['chat:write', 'users:read'] });
      await world.activate('github', { expiresAt: world.server.clock.now() - 1000, refresh: false });
      await world.activate('notion');
      await applyEvent(
        world.server.storage.db,
        (await findConnector(world.server.storage.db, world.appId, 'notion'))!,
        'revoked',
        world.server.clock.now(),
      );
      const put = await world.api(
        'PUT',
        'integrations/linear',
        await aWorkspaceKey(world.server.storage, world.owner),
        {
          scopes: ['read'],
        },
      );
      expect(put.statusCode).toBe(200);

      const page = await (await world.signedIn()).get(`/dashboard/apps/${world.appId}`);
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-security-policy']).toContain("default-src 'none'");
      const slack = rowOf(page.body, 'slack');
      expect(slack).toContain('status-active');
      expect(slack).toContain('slack@accounts.example');
      expect(slack).toContain('connected by owner@example.com');
      expect(slack).toContain('<code>chat:write</code>');
      expect(slack).toContain('<code>users:read</code>');
      expect(slack).toContain('<time datetime="2026-11-24T12:00:00.000Z">2026-11-24 12:00 UTC</time>');
      expect(slack).toContain('Re-authorize');
      expect(rowOf(page.body, 'github')).toContain('status-expired');
      expect(rowOf(page.body, 'notion')).toContain('status-disconnected');
      const linear = rowOf(page.body, 'linear');
      expect(linear).toContain('status-pending');
      expect(linear).toContain('waiting for consent');
      expect(linear).toContain('>Authorize<');
      expect(linear).toContain('none yet');
    });

    it('escapes a hostile app name and a hostile connector account everywhere', async () => {
      const hostile = '<script>alert("app")</script>';
      await world.server.storage.db
        .updateTable('apps')
        .set({ name: hostile })
        .where('id', '=', world.appId)
        .execute();
      await world.activate('slack', { account: '"><img src=x onerror=alert(1)>@evil.example' });
      const browser = await world.signedIn();
      for (const url of [
        '/dashboard',
        `/dashboard/apps/${world.appId}`,
        `/dashboard/apps/${world.appId}/connectors/slack/remove`,
      ]) {
        const page = await browser.get(url);
        expect(page.statusCode, url).toBe(200);
        expect(page.body).not.toContain('<script>');
        expect(page.body).not.toContain('<img');
        expect(page.body).toContain('&lt;script&gt;alert(&quot;app&quot;)&lt;/script&gt;');
      }
    });
  });

  describe('actions', () => {
    it('authorizes through the same path as PUT and sends the browser straight to the provider, using the link up', async () => {
      const ownerKey = await aWorkspaceKey(world.server.storage, world.owner);
      await world.api('PUT', 'integrations/linear', ownerKey, { scopes: ['read', 'write'] });
      const browser = await world.signedIn();
      await browser.get(`/dashboard/apps/${world.appId}`);

      const response = await browser.post(`/dashboard/apps/${world.appId}/connectors/linear/authorize`, {});
      expect(response.statusCode).toBe(303);
      // The member's own post from this page is the confirmation: no start page in between.
      expect(response.headers.location).toContain(`${world.server.url}/sandbox/`);
      const attempt = await world.server.storage.db
        .selectFrom('connection_attempts')
        .selectAll()
        .where('type', '=', 'linear')
        .where('status', '=', 'PENDING')
        .executeTakeFirstOrThrow();
      expect(attempt).toMatchObject({ user_id: world.owner.id, scopes: '["read","write"]' });
      expect(attempt.departed_at).not.toBeNull();
      const start = await world.server.app.inject({ url: `/oauth/start/${attempt.id}` });
      expect(start.statusCode).toBe(410);
      expect(start.body).toContain('already used');
    });

    it('re-authorizes an active connector: a new consent, while the old grant keeps working', async () => {
      await world.activate('slack', { scopes: ['chat:write'] });
      const browser = await world.signedIn();
      await browser.get(`/dashboard/apps/${world.appId}`);
      const response = await browser.post(`/dashboard/apps/${world.appId}/connectors/slack/authorize`, {});
      expect(response.headers.location).toContain(`${world.server.url}/sandbox/`);
      expect(await findConnector(world.server.storage.db, world.appId, 'slack')).toMatchObject({
        state: 'active',
      });
      expect(rowOf((await browser.get(`/dashboard/apps/${world.appId}`)).body, 'slack')).toContain(
        'waiting for consent',
      );
    });

    it('refuses to re-authorize a connector another member connected, and says who', async () => {
      await world.activate('slack', { by: world.teammate });
      const browser = await world.signedIn();
      await browser.get(`/dashboard/apps/${world.appId}`);
      const response = await browser.post(`/dashboard/apps/${world.appId}/connectors/slack/authorize`, {});
      expect(response.statusCode).toBe(409);
      expect(response.body).toContain('slack is already connected by teammate@example.com');
      expect(response.body).toContain(`href="/dashboard/apps/${world.appId}"`);
    });

    it('confirms a removal naming what is lost, then removes and revokes as DELETE does', async () => {
      await world.activate('slack', { scopes: ['chat:write'] });
      const browser = await world.signedIn();
      const confirm = await browser.get(`/dashboard/apps/${world.appId}/connectors/slack/remove`);
      expect(confirm.statusCode).toBe(200);
      expect(confirm.body).toContain('Remove Slack from Test app?');
      expect(confirm.body).toContain('<strong>slack@accounts.example</strong>');
      expect(confirm.body).toContain('its stored access and refresh tokens, which are also revoked at Slack');
      expect(confirm.body).toContain('<code>chat:write</code>');
      expect(await findConnector(world.server.storage.db, world.appId, 'slack')).toBeDefined();

      const removed = await browser.post(`/dashboard/apps/${world.appId}/connectors/slack/remove`, {});
      expect(removed.statusCode).toBe(303);
      expect(removed.headers.location).toBe(`/dashboard/apps/${world.appId}?removed=slack&revoked=1`);
      expect(await findConnector(world.server.storage.db, world.appId, 'slack')).toBeUndefined();
      const page = await browser.get(removed.headers.location as string);
      expect(page.body).toContain('Slack was removed. Its tokens were revoked at the provider.');
      expect(page.body).not.toContain('id="connector-slack"');

      const again = await browser.post(`/dashboard/apps/${world.appId}/connectors/slack/remove`, {});
      expect(again.statusCode).toBe(404);
      expect(again.body).toContain('Test app has no connector &quot;slack&quot;.');
    });

    it('shows nothing but a well-formed type in the removal notice', async () => {
      const browser = await world.signedIn();
      const page = await browser.get(`/dashboard/apps/${world.appId}?removed=%3Cb%3Ex&revoked=1`);
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('was removed');
    });
  });
});
