import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KINDS, storageFlags, type TestDatabase } from '../support/databases.js';
import { freePort } from '../support/server.js';
import { runServerCommand, startServerProcess } from '../support/server-process.js';

describe.each(DATABASE_KINDS)('the administration commands on %s', (kind) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(kind);
  });
  afterEach(() => database.dispose());

  const admin = (args: string[], stdin?: string) =>
    runServerCommand([...args, ...storageFlags(database)], stdin === undefined ? {} : { stdin });

  it('adds a user and prints only the generated password', async () => {
    const result = await admin(['users', 'add', '--email', 'alice@example.com']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^[A-Za-z0-9]{20}\n$/);
  });

  it('takes a piped password and then prints the user id', async () => {
    const result = await admin(
      ['users', 'add', '--email', 'bob@example.com', '--password-stdin'],
      'a long enough secret\n',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[0-9a-f]{16}\n$/);
  });

  it('refuses a second user with the same email, whatever its case, with exit 1', async () => {
    await admin(['users', 'add', '--email', 'alice@example.com']);
    const again = await admin(['users', 'add', '--email', 'ALICE@example.com']);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe('error: A user with the email alice@example.com already exists\n');
  });

  it('refuses an address that is not an email with exit 2', async () => {
    const result = await admin(['users', 'add', '--email', 'not-an-email']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"not-an-email" is not an email address');
  });

  it('creates an app, adds a member and makes both kinds of key', async () => {
    await admin(['users', 'add', '--email', 'owner@example.com']);
    await admin(['users', 'add', '--email', 'member@example.com']);
    const app = await admin(['apps', 'create', '--name', 'Demo', '--owner', 'owner@example.com']);
    expect(app.stdout).toMatch(/^[0-9a-f]{24}\n$/);
    const appId = app.stdout.trim();

    const member = await admin(['apps', 'add-member', '--app', appId, '--email', 'member@example.com']);
    expect(member.code).toBe(0);
    expect((await admin(['apps', 'add-member', '--app', appId, '--email', 'member@example.com'])).code).toBe(
      1,
    );

    expect((await admin(['keys', 'create', '--email', 'member@example.com'])).stdout).toMatch(
      /^b44k_[0-9a-f]{16}_[A-Za-z0-9_-]{43}\n$/,
    );
    expect((await admin(['keys', 'create', '--service', '--app', appId])).stdout).toMatch(
      /^b44s_[0-9a-f]{16}_[A-Za-z0-9_-]{43}\n$/,
    );
  });

  it('names what is unknown: an owner, an app', async () => {
    const noOwner = await admin(['apps', 'create', '--name', 'Demo', '--owner', 'ghost@example.com']);
    expect(noOwner).toMatchObject({ code: 1, stderr: 'error: No user has the email ghost@example.com\n' });
    const noApp = await admin(['keys', 'create', '--service', '--app', 'feedfacefeedfacefeedface']);
    expect(noApp).toMatchObject({ code: 1, stderr: 'error: No app has the id feedfacefeedfacefeedface\n' });
  });

  it('revokes a key by id once, and says so when it is already revoked', async () => {
    await admin(['users', 'add', '--email', 'alice@example.com']);
    const key = (await admin(['keys', 'create', '--email', 'alice@example.com'])).stdout.trim();
    const keyId = key.slice('b44k_'.length, 'b44k_'.length + 16);
    expect(await admin(['keys', 'revoke', keyId])).toMatchObject({ code: 0, stdout: `revoked ${keyId}\n` });
    expect((await admin(['keys', 'revoke', keyId])).code).toBe(1);
  });
});

describe('base44-server start', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
  });
  afterEach(() => database.dispose());

  it('serves what the administration commands made, with a key that works and stops on revocation', async () => {
    const flags = ['--data-dir', database.dataDir];
    await runServerCommand(['users', 'add', '--email', 'alice@example.com', ...flags]);
    const appId = (
      await runServerCommand(['apps', 'create', '--name', 'Demo', '--owner', 'alice@example.com', ...flags])
    ).stdout.trim();
    const key = (
      await runServerCommand(['keys', 'create', '--email', 'alice@example.com', ...flags])
    ).stdout.trim();

    const port = await freePort();
    const server = await startServerProcess([...flags, '--port', String(port)]);
    try {
      expect(server.url).toBe(`http://127.0.0.1:${port}`);
      const status = () =>
        fetch(`${server.url}/api/apps/${appId}/payments/stripe/status`, { headers: { api_key: key } });
      expect(await (await status()).json()).toEqual({ stripe_mode: null });

      await runServerCommand(['keys', 'revoke', key, ...flags]);
      expect((await status()).status).toBe(401);
    } finally {
      await server.stop();
    }
  });

  it('refuses a bad setting with exit 2 and names it', async () => {
    const result = await runServerCommand(['start', '--port', 'eighty', '--data-dir', database.dataDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--port must be a whole number from 0 to 65535 (got "eighty")');
  });

  it('reads its settings from the environment when no flag is given', async () => {
    const port = await freePort();
    const server = await startServerProcess([], {
      BASE44_SERVER_DATA_DIR: database.dataDir,
      BASE44_SERVER_PORT: String(port),
      BASE44_SERVER_PUBLIC_URL: `http://localhost:${port}/`,
    });
    try {
      expect(server.url).toBe(`http://localhost:${port}`);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
