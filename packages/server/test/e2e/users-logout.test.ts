import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anApp, aUser, aWebSession, aWorkspaceKey } from '../support/accounts.js';
import { DATABASE_KINDS, storageFlags } from '../support/databases.js';
import { logIn, refresh } from '../support/login.js';
import { createTestServer, TestClock, type TestServer } from '../support/server.js';
import { runServerCommand } from '../support/server-process.js';

// `base44-server users logout --email E`, the built bin against the database a running server
// uses: every browser session and CLI login of E ends at once (their access tokens too); API keys
// stay, and the command says so.
describe.each(DATABASE_KINDS)('users logout on %s', (kind) => {
  let server: TestServer;
  beforeEach(async () => {
    // The bin reads the real clock: the server's must agree.
    server = await createTestServer(kind, { clock: new TestClock(Date.now()) });
  });
  afterEach(() => server.close());

  it('ends the browser sessions and CLI logins of one user, leaving API keys and other users alone', async () => {
    const { storage, clock, app } = server;
    const ada = await aUser(storage, 'ada@example.com');
    const bob = await aUser(storage, 'bob@example.com');
    const appId = await anApp(storage, ada, [bob]);
    const adaSession = await aWebSession(storage, ada, clock.now());
    const bobSession = await aWebSession(storage, bob, clock.now());
    // The device login signs in on the verification page too: a second session of ada's.
    const adaLogin = await logIn(app, ada.email);
    const bobLogin = await logIn(app, bob.email);
    const adaKey = await aWorkspaceKey(storage, ada);
    const dashboard = (session: string) =>
      app.inject({ url: '/dashboard', headers: { cookie: `b44_session=${session}` } });
    const list = (headers: Record<string, string>) =>
      app.inject({ url: `/api/apps/${appId}/external-auth/list`, headers });
    expect((await dashboard(adaSession)).statusCode).toBe(200);

    const result = await runServerCommand([
      'users',
      'logout',
      '--email',
      'ADA@example.com',
      ...storageFlags(server.database),
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(
      'logged out ada@example.com: ended 2 browser sessions and 1 CLI login; API keys are left alone (revoke them with `keys revoke`)\n',
    );

    expect((await dashboard(adaSession)).statusCode).toBe(303);
    expect((await refresh(app, adaLogin.refresh_token)).statusCode).toBe(400);
    expect((await list({ authorization: `Bearer ${adaLogin.access_token}` })).statusCode).toBe(401);
    expect((await list({ api_key: adaKey })).statusCode).toBe(200);

    expect((await dashboard(bobSession)).statusCode).toBe(200);
    expect((await list({ authorization: `Bearer ${bobLogin.access_token}` })).statusCode).toBe(200);
  });

  it('says which email it does not know, with exit 1, and says what it leaves alone in its help', async () => {
    const unknown = await runServerCommand([
      'users',
      'logout',
      '--email',
      'nobody@example.com',
      ...storageFlags(server.database),
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('nobody@example.com');
    const help = await runServerCommand(['users', 'logout', '--help']);
    expect(help.stdout).toContain('API keys are left alone');
  });
});
