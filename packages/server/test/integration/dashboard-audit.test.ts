import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aWorkspaceKey } from '../support/accounts.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { consentOverHttp, DashboardWorld } from './dashboard-fixtures.js';

// The audit trail of an app: every change of its connectors writes an event in the change's own
// transaction (PUT, apply, removal, the callback), and the app's page shows the latest.
describe.each(DATABASE_KINDS)('the audit trail on %s', (kind) => {
  let world: DashboardWorld;
  beforeEach(async () => {
    world = await DashboardWorld.create(kind);
  });
  afterEach(() => world.close());

  it('records PUT, apply, removal (API and dashboard) and the callback with who did it, and shows them newest first', async () => {
    const ownerKey = await aWorkspaceKey(world.server.storage, world.owner);
    const teammateKey = await aWorkspaceKey(world.server.storage, world.teammate);
    await world.api('PUT', 'integrations/slack', ownerKey, { scopes: ['chat:write'] });
    await world.activate('slack', { scopes: ['chat:write', 'users:read'] });
    await world.api('PUT', 'integrations/slack', ownerKey, { scopes: ['chat:write'] });
    await world.activate('notion');
    await world.activate('github');
    const applied = await world.api('POST', 'apply', teammateKey, {
      connectors: [
        { type: 'slack', scopes: ['chat:write'] },
        { type: 'github', scopes: ['read'] },
        { type: 'linear', scopes: [] },
      ],
      prune: true,
      expected_revision: 2,
    });
    expect(applied.statusCode, applied.body).toBe(200);
    expect((await world.api('DELETE', 'integrations/github/remove', ownerKey)).statusCode).toBe(200);

    const trail = await world.auditTrail();
    expect(trail).toEqual([
      {
        action: 'consent_requested',
        type: 'slack',
        actor: world.owner.id,
        detail: { scopes: ['chat:write'] },
      },
      {
        action: 'scopes_changed',
        type: 'slack',
        actor: world.owner.id,
        detail: { from: ['chat:write', 'users:read'], to: ['chat:write'] },
      },
      { action: 'consent_requested', type: 'linear', actor: world.teammate.id, detail: { scopes: [] } },
      {
        action: 'removed',
        type: 'notion',
        actor: world.teammate.id,
        detail: { account_email: 'notion@accounts.example' },
      },
      {
        action: 'pushed',
        type: null,
        actor: world.teammate.id,
        detail: {
          revision: 3,
          added: ['linear'],
          updated: [],
          removed: ['notion'],
          kept: ['github', 'slack'],
        },
      },
      {
        action: 'removed',
        type: 'github',
        actor: world.owner.id,
        detail: { account_email: 'github@accounts.example', revoked: true },
      },
    ]);
    const raw = JSON.stringify(await world.auditRows());
    expect(raw).not.toMatch(/access-|refresh-/);

    const page = await (await world.signedIn()).get(`/dashboard/apps/${world.appId}`);
    const audit = page.body.slice(page.body.indexOf('<h2>Activity</h2>'));
    const labels = [...audit.matchAll(/data-label="What"><div>([^<]+)</g)].map((m) => m[1]);
    expect(labels).toEqual([
      'Removed',
      'Pushed',
      'Removed',
      'Asked for consent',
      'Changed scopes',
      'Asked for consent',
    ]);
    expect(audit).toContain('added linear; removed notion; kept github, slack (revision 3)');
    expect(audit).toContain('teammate@example.com');
    expect(audit).toContain('dropped users:read');
    expect(audit).toContain('account github@accounts.example; tokens revoked at the provider');
  });

  it('writes nothing when the change rolls back (a stale apply)', async () => {
    const ownerKey = await aWorkspaceKey(world.server.storage, world.owner);
    await world.api('PUT', 'integrations/slack', ownerKey, { scopes: [] });
    const before = await world.auditRows();
    const stale = await world.api('POST', 'apply', ownerKey, {
      connectors: [{ type: 'github', scopes: [] }],
      prune: true,
      expected_revision: 0,
    });
    expect(stale.statusCode).toBe(409);
    expect(await world.auditRows()).toEqual(before);
  });

  it('records the callback: added the first time, re-authorized after, by the member who asked', async () => {
    const browser = await world.signedIn('teammate@example.com');
    const teammateKey = await aWorkspaceKey(world.server.storage, world.teammate);
    const put = (
      await world.api('PUT', 'integrations/notion', teammateKey, { scopes: ['read_content'] })
    ).json();
    const first = await consentOverHttp(put.redirect_url, 'first@notion.example');
    expect(first.url).toContain(`${world.server.url}/oauth/callback?`);
    expect(first.status).toBe(200);

    await browser.get(`/dashboard/apps/${world.appId}`);
    const again = await browser.post(`/dashboard/apps/${world.appId}/connectors/notion/authorize`, {});
    const callback = await consentOverHttp(
      new URL(again.headers.location as string, world.server.url).href,
      'second@notion.example',
    );
    expect(callback.url).toContain(`${world.server.url}/oauth/callback?`);
    expect(callback.status).toBe(200);
    expect(callback.body).toContain(`href="/dashboard/apps/${world.appId}"`);

    const completions = (await world.auditTrail()).filter((event) =>
      ['added', 'reauthorized'].includes(event.action),
    );
    expect(completions).toEqual([
      {
        action: 'added',
        type: 'notion',
        actor: world.teammate.id,
        detail: { scopes: ['read_content'], account_email: 'first@notion.example' },
      },
      {
        action: 'reauthorized',
        type: 'notion',
        actor: world.teammate.id,
        detail: { scopes: ['read_content'], account_email: 'second@notion.example' },
      },
    ]);
  });
});
