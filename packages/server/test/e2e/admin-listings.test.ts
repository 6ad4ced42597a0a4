import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anApp, aServiceKey, aUser, aWebSession, aWorkspaceKey, PASSWORD } from '../support/accounts.js';
import { FormClient } from '../support/browserless.js';
import { DATABASE_KINDS, storageFlags } from '../support/databases.js';
import { logIn, refresh } from '../support/login.js';
import { createTestServer, TestClock, type TestServer } from '../support/server.js';
import { runServerCommand } from '../support/server-process.js';

interface KeyLine {
  id: string;
  last_used_at: string | null;
}

// `users list`, `apps list`, `keys list` and `users reset-password`: the built bin against the
// database a running server uses.
describe.each(DATABASE_KINDS)('the administration listings on %s', (kind) => {
  let server: TestServer;
  beforeEach(async () => {
    // The bin reads the real clock: the server's must agree.
    server = await createTestServer(kind, { clock: new TestClock(Date.now()) });
  });
  afterEach(() => server.close());
  const admin = (...args: string[]) => runServerCommand([...args, ...storageFlags(server.database)]);

  it('lists users and apps as a table and as JSON', async () => {
    const { storage } = server;
    const ada = await aUser(storage, 'ada@example.com');
    const bob = await aUser(storage, 'bob@example.com');
    const appId = await anApp(storage, ada, [bob]);

    const users = await admin('users', 'list');
    expect(users).toMatchObject({ code: 0, stderr: '' });
    const [header, ...rows] = users.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID +EMAIL +NAME +APPS +CREATED$/);
    expect(rows).toHaveLength(2);
    expect(rows.find((row) => row.startsWith(ada.id))).toMatch(
      new RegExp(`^${ada.id} +ada@example\\.com +\\S.* +1 +\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}$`),
    );

    const usersJson = JSON.parse((await admin('users', 'list', '--json')).stdout) as { created_at: string }[];
    expect(usersJson).toHaveLength(2);
    expect(usersJson).toEqual(
      expect.arrayContaining([
        { id: ada.id, email: 'ada@example.com', name: ada.name, apps: 1, created_at: expect.any(String) },
        { id: bob.id, email: 'bob@example.com', name: bob.name, apps: 1, created_at: expect.any(String) },
      ]),
    );
    expect(Date.parse(usersJson[0]!.created_at)).toBeGreaterThan(0);

    const appsJson = JSON.parse((await admin('apps', 'list', '--json')).stdout) as unknown[];
    expect(appsJson).toEqual([
      {
        id: appId,
        name: expect.any(String),
        owner: 'ada@example.com',
        members: 2,
        created_at: expect.any(String),
      },
    ]);
    expect((await admin('apps', 'list')).stdout).toMatch(/^ID +NAME +OWNER +MEMBERS +CREATED\n/);
  });

  it('lists keys by prefix and id, never the secret, with when each was last used', async () => {
    const { storage, app } = server;
    const ada = await aUser(storage, 'ada@example.com');
    const appId = await anApp(storage, ada);
    const workspaceKey = await aWorkspaceKey(storage, ada);
    const serviceKey = await aServiceKey(storage, appId);
    const revokedKey = await aWorkspaceKey(storage, ada);
    const idOf = (key: string) => key.slice(5, 21);
    await admin('keys', 'revoke', idOf(revokedKey));

    const before = JSON.parse((await admin('keys', 'list', '--json')).stdout) as Record<string, unknown>[];
    expect(before).toHaveLength(2);
    expect(before).toEqual(
      expect.arrayContaining([
        {
          id: idOf(workspaceKey),
          key: `b44k_${idOf(workspaceKey)}_…`,
          kind: 'workspace',
          owner: 'ada@example.com',
          created_at: expect.any(String),
          last_used_at: null,
          revoked_at: null,
        },
        {
          id: idOf(serviceKey),
          key: `b44s_${idOf(serviceKey)}_…`,
          kind: 'service',
          owner: appId,
          created_at: expect.any(String),
          last_used_at: null,
          revoked_at: null,
        },
      ]),
    );

    const used = await app.inject({
      url: `/api/apps/${appId}/external-auth/list`,
      headers: { api_key: workspaceKey },
    });
    expect(used.statusCode).toBe(200);
    await expect
      .poll(async () => {
        const listed = JSON.parse((await admin('keys', 'list', '--json')).stdout) as KeyLine[];
        return listed.find((line) => line.id === idOf(workspaceKey))?.last_used_at;
      })
      .toMatch(/^\d{4}-\d{2}-\d{2}T/);

    const table = await admin('keys', 'list', '--all');
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^KEY +KIND +OWNER +CREATED +LAST USED +REVOKED$/);
    expect(lines).toHaveLength(4);
    const revokedLine = lines.find((line) => line.startsWith(`b44k_${idOf(revokedKey)}_…`));
    expect(revokedLine).toMatch(
      /^\S+ +workspace +ada@example\.com +\S+ \S+ +- +\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/,
    );
    for (const key of [workspaceKey, serviceKey, revokedKey]) {
      expect(table.stdout).not.toContain(key.slice(22));
    }
  });

  it('resets a password: the new one signs in, the old one and every earlier login end', async () => {
    const { storage, clock, app } = server;
    const ada = await aUser(storage, 'ada@example.com');
    const session = await aWebSession(storage, ada, clock.now());
    const login = await logIn(app, ada.email);

    const reset = await admin('users', 'reset-password', '--email', 'ADA@example.com');
    expect(reset).toMatchObject({ code: 0, stderr: '' });
    const password = reset.stdout.trim();
    expect(reset.stdout).toMatch(/^[A-Za-z0-9]{20}\n$/);

    expect(
      (await app.inject({ url: '/dashboard', headers: { cookie: `b44_session=${session}` } })).statusCode,
    ).toBe(303);
    expect((await refresh(app, login.refresh_token)).statusCode).toBe(400);
    const signIn = async (secret: string) => {
      const browser = new FormClient(app);
      await browser.get('/dashboard/sign-in');
      return browser.post('/dashboard/sign-in', { email: ada.email, password: secret });
    };
    expect((await signIn(PASSWORD)).statusCode).toBe(401);
    expect((await signIn(password)).statusCode).toBe(303);

    const piped = await runServerCommand(
      ['users', 'reset-password', '--email', ada.email, '--password-stdin', ...storageFlags(server.database)],
      { stdin: 'another long secret\n' },
    );
    expect(piped).toMatchObject({ code: 0, stdout: `${ada.id}\n` });
    expect((await signIn('another long secret')).statusCode).toBe(303);

    expect(await admin('users', 'reset-password', '--email', 'nobody@example.com')).toMatchObject({
      code: 1,
      stderr: 'error: No user has the email nobody@example.com\n',
    });
  });
});
