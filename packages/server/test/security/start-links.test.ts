import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/accounts/users.js';
import { anApp, aUser, aWebSession, aWorkspaceKey } from '../support/accounts.js';
import { FormClient } from '../support/browserless.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { createTestServer, type TestServer } from '../support/server.js';

// A start link (`redirect_url` of PUT integrations/{type} and apply) connects whichever account
// approves it at the provider into the app of the member who made it. Forwarded to someone else,
// it is a phishing link: so it first says what it does and who asked, goes to the provider only
// on a Continue post with the page's CSRF token, and works once.
describe.each(DATABASE_KINDS)('authorization start links on %s', (kind) => {
  let server: TestServer;
  let maker: User;
  let someoneElse: User;
  let appId: string;
  let makerKey: string;

  beforeAll(async () => {
    server = await createTestServer(kind, { sandbox: true });
    maker = await aUser(server.storage, 'yasmin@example.com');
    someoneElse = await aUser(server.storage, 'xavier@example.com');
    appId = await anApp(server.storage, maker);
    await server.storage.db
      .updateTable('apps')
      .set({ name: 'Payroll tools' })
      .where('id', '=', appId)
      .execute();
    makerKey = await aWorkspaceKey(server.storage, maker);
  });
  afterAll(() => server.close());

  /** A new start link of the maker's, for slack with two scopes. */
  async function aStartLink(): Promise<{ path: string; connectionId: string }> {
    const put = await server.app.inject({
      method: 'PUT',
      url: `/api/apps/${appId}/external-auth/integrations/slack`,
      headers: { api_key: makerKey },
      payload: { scopes: ['chat:write', 'users:read'] },
    });
    const { redirect_url, connection_id } = put.json();
    expect(redirect_url).toBe(`${server.url}/oauth/start/${connection_id}`);
    return { path: new URL(redirect_url).pathname, connectionId: connection_id };
  }

  const attemptRow = (id: string) =>
    server.storage.db
      .selectFrom('connection_attempts')
      .select(['state_hash', 'code_verifier', 'departed_at', 'status'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  it('shows a second person, signed in as someone else, the maker, the app and the scopes before anything goes to the provider', async () => {
    const { path, connectionId } = await aStartLink();
    const browser = new FormClient(server.app);
    browser.setCookie('b44_session', await aWebSession(server.storage, someoneElse, server.clock.now()));

    const page = await browser.get(path);
    expect(page.statusCode).toBe(200);
    expect(page.headers.location).toBeUndefined();
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.body).toContain('This link was not made by you.');
    expect(page.body).toContain('You are signed in as <strong>xavier@example.com</strong>');
    expect(page.body).toContain('this link was made by <strong>yasmin (yasmin@example.com)</strong>');
    expect(page.body).toContain('Payroll tools');
    expect(page.body).toContain('Slack (slack)');
    expect(page.body).toContain('<li>chat:write</li>');
    expect(page.body).toContain('<li>users:read</li>');
    expect(page.body).toContain(`<form method="post" action="/oauth/start/${connectionId}">`);
    expect(page.body).not.toContain('/sandbox/');
    // No state, no verifier: nothing could come back from the provider yet.
    expect(await attemptRow(connectionId)).toMatchObject({
      state_hash: null,
      code_verifier: null,
      departed_at: null,
      status: 'PENDING',
    });
  });

  it('names the maker to a browser with no session, and tells the maker it is their own link', async () => {
    const { path } = await aStartLink();
    const anonymous = await new FormClient(server.app).get(path);
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.body).not.toContain('This link was not made by you.');
    expect(anonymous.body).toContain('Asked by</dt><dd>yasmin (yasmin@example.com)');

    const own = new FormClient(server.app);
    own.setCookie('b44_session', await aWebSession(server.storage, maker, server.clock.now()));
    const ownPage = await own.get(path);
    expect(ownPage.body).not.toContain('This link was not made by you.');
    expect(ownPage.body).toContain('who made this link');
  });

  it('goes to the provider only on the Continue post with the page’s CSRF token', async () => {
    const { path, connectionId } = await aStartLink();
    const browser = new FormClient(server.app);
    await browser.get(path);
    const attacker = new FormClient(server.app);
    await attacker.get(path);

    const forged = [
      await browser.post(path, {}, { csrf: false }),
      await browser.post(path, { _csrf: attacker.lastCsrfToken }, { csrf: false }),
      await server.app.inject({ method: 'POST', url: path }),
    ];
    for (const response of forged) {
      expect(response.statusCode).toBe(403);
      expect(response.headers.location).toBeUndefined();
      expect(response.body).toContain('did not come from this site');
    }
    expect(await attemptRow(connectionId)).toMatchObject({ state_hash: null, departed_at: null });

    const continued = await browser.post(path, {});
    expect(continued.statusCode).toBe(303);
    expect(continued.headers.location).toContain(`${server.url}/sandbox/`);
    const row = await attemptRow(connectionId);
    expect(row.state_hash).not.toBeNull();
    expect(row.departed_at).toBe(server.clock.now());
  });

  it('cannot be used again once continued: not by the same browser, nor by another', async () => {
    const { path } = await aStartLink();
    const browser = new FormClient(server.app);
    await browser.get(path);
    expect((await browser.post(path, {})).statusCode).toBe(303);

    const again = await browser.post(path, {});
    expect(again.statusCode).toBe(410);
    expect(again.headers.location).toBeUndefined();
    expect(again.body).toContain('already used');
    const other = new FormClient(server.app);
    const reopened = await other.get(path);
    expect(reopened.statusCode).toBe(410);
    expect(reopened.body).not.toContain('<form');
  });

  it('expires with its attempt, 10 minutes after it was made, and is refused once a newer link replaced it', async () => {
    const { path } = await aStartLink();
    const browser = new FormClient(server.app);
    await browser.get(path);
    server.clock.advance(10 * 60);
    try {
      const late = await browser.post(path, {});
      expect(late.statusCode).toBe(410);
      expect(late.body).toContain('not completed within 10 minutes');
    } finally {
      server.clock.advance(-10 * 60);
    }

    const older = await aStartLink();
    await aStartLink();
    const replaced = await new FormClient(server.app).get(older.path);
    expect(replaced.statusCode).toBe(410);
    expect(replaced.body).toContain('a newer authorization replaced this one');
  });

  it('answers 404 for a link it never made', async () => {
    const unknown = await new FormClient(server.app).get(`/oauth/start/${'0'.repeat(32)}`);
    expect(unknown.statusCode).toBe(404);
  });
});
