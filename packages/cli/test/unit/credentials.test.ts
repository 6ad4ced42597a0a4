import { existsSync, writeFileSync } from 'node:fs';
import { chmod, readdir, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { UserInfoResponse } from '@base44-connectors/contract';
import { describe, expect, it } from 'vitest';
import {
  Credentials,
  deleteLogin,
  loginFile,
  readLogin,
  readLoginFor,
  type StoredLogin,
  serverLoginFile,
  writeLogin,
} from '../../src/core/credentials.js';
import { CliError, NotLoggedInError } from '../../src/core/errors.js';
import { ApiClient } from '../../src/core/http.js';
import { aCliEnvironment } from '../support/environment.js';
import { type ReceivedRequest, startStubServer } from '../support/stub-server.js';
import { aTempDir, writeFiles } from '../support/temp.js';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const API_KEY = 'b44k_0123456789abcdef_secretsecretsecretsecretsecretsecretsecret';

function aLogin(overrides: Partial<StoredLogin> = {}): StoredLogin {
  return {
    accessToken: 'stored-access',
    refreshToken: 'stored-refresh',
    expiresAt: NOW + 3600_000,
    email: 'alice@example.com',
    name: 'Alice',
    ...overrides,
  };
}

/** A home folder holding `login` as `~/.base44/auth/auth.json`. */
async function aHomeWith(login: StoredLogin): Promise<string> {
  const home = await aTempDir('base44-cli-home-');
  await writeLogin(home, login);
  return home;
}

async function snapshot(file: string): Promise<{ text: string; mtimeMs: number }> {
  return { text: await readFile(file, 'utf8'), mtimeMs: (await stat(file)).mtimeMs };
}

/** A loopback URL nothing listens on: connections are refused. */
async function refusingUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}

const tokens = {
  access_token: 'new-access',
  refresh_token: 'new-refresh',
  token_type: 'Bearer',
  expires_in: 3600,
  scope: 'apps:read apps:write sandbox:write',
};

async function thrownBy(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('Credentials.headers: which credentials a request carries', () => {
  it('sends the workspace key when BASE44_API_KEY is set, before any token or login', async () => {
    const home = await aHomeWith(aLogin());
    const credentials = new Credentials(aCliEnvironment({ home, apiKey: API_KEY, accessToken: 'env-token' }));
    expect(await credentials.headers()).toEqual({ api_key: API_KEY });
  });

  it('sends BASE44_ACCESS_TOKEN next, before the stored login', async () => {
    const home = await aHomeWith(aLogin());
    const credentials = new Credentials(aCliEnvironment({ home, accessToken: 'env-token' }));
    expect(await credentials.headers()).toEqual({ authorization: 'Bearer env-token' });
  });

  it('sends the stored login when it is not about to expire, without asking the server', async () => {
    const server = await startStubServer(() => ({ status: 500 }));
    const home = await aHomeWith(aLogin({ server: server.url }));
    const credentials = new Credentials(aCliEnvironment({ home, apiUrl: server.url }), () => NOW);
    expect(await credentials.headers()).toEqual({ authorization: 'Bearer stored-access' });
    expect(server.requests).toEqual([]);
  });

  it('says how to log in when there are no credentials at all', async () => {
    const home = await aTempDir('base44-cli-home-');
    const error = await thrownBy(new Credentials(aCliEnvironment({ home, apiUrl: 'http://srv' })).headers());
    expect(error).toBeInstanceOf(NotLoggedInError);
    expect((error as NotLoggedInError).message).toBe('Not logged in to http://srv.');
    expect((error as NotLoggedInError).hints.join(' ')).toMatch(/base44 login.*BASE44_API_KEY/);
  });

  it('treats an unreadable auth.json as no login', async () => {
    const home = await aTempDir('base44-cli-home-');
    await writeFiles(home, { '.base44/auth/auth.json': '{"accessToken": 1' });
    const error = await thrownBy(new Credentials(aCliEnvironment({ home })).headers());
    expect(error).toBeInstanceOf(NotLoggedInError);
  });

  it("reads the public CLI's auth.json: a missing name is the email, keys it does not know are kept", async () => {
    const home = await aTempDir('base44-cli-home-');
    const file = { accessToken: 'a', refreshToken: 'r', expiresAt: NOW, email: 'bob@example.com', theirs: 1 };
    await writeFiles(home, { '.base44/auth/auth.json': JSON.stringify(file) });
    expect(await readLogin(home)).toEqual({ ...file, name: 'bob@example.com' });
    await writeFiles(home, { '.base44/auth/auth.json': JSON.stringify({ ...file, expiresAt: 'soon' }) });
    expect(await readLogin(home)).toBeUndefined();
  });
});

describe('Credentials.headers: refreshing a login that is about to expire', () => {
  const expiring = aLogin({ expiresAt: NOW + 30_000 });

  it('trades the refresh token for new tokens and rewrites auth.json atomically, 0600', async () => {
    const server = await startStubServer((request) =>
      request.url === '/oauth/token' ? { status: 200, json: tokens } : { status: 404, json: {} },
    );
    const home = await aHomeWith({ ...expiring, server: server.url });
    const credentials = new Credentials(aCliEnvironment({ home, apiUrl: server.url }), () => NOW);

    expect(await credentials.headers()).toEqual({ authorization: 'Bearer new-access' });

    expect(server.requests).toHaveLength(1);
    const [request] = server.requests as [ReceivedRequest];
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(new URLSearchParams(request.body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'stored-refresh',
      client_id: 'base44_cli',
    });
    const file = loginFile(home);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      ...expiring,
      server: server.url,
      accessToken: 'new-access',
      refreshToken: 'new-refresh',
      expiresAt: NOW + 3600_000,
    });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dirname(file))).toEqual(['auth.json', 'servers']);
    expect(await readdir(dirname(serverLoginFile(home, server.url)))).toHaveLength(1);
    expect(JSON.parse(await readFile(serverLoginFile(home, server.url), 'utf8')).accessToken).toBe(
      'new-access',
    );
  });

  it('tightens a login file someone left readable to 0600 when it rewrites it', async () => {
    const server = await startStubServer(() => ({ status: 200, json: tokens }));
    const home = await aTempDir('base44-cli-home-');
    await writeFiles(home, { '.base44/auth/auth.json': JSON.stringify({ ...expiring, server: server.url }) });
    await chmod(loginFile(home), 0o644);
    await new Credentials(aCliEnvironment({ home, apiUrl: server.url }), () => NOW).headers();
    expect((await stat(loginFile(home))).mode & 0o777).toBe(0o600);
  });

  it('refreshes a login that has already expired, too', async () => {
    const server = await startStubServer(() => ({ status: 200, json: tokens }));
    const home = await aHomeWith(aLogin({ expiresAt: NOW - 3600_000, server: server.url }));
    const credentials = new Credentials(aCliEnvironment({ home, apiUrl: server.url }), () => NOW);
    expect(await credentials.headers()).toEqual({ authorization: 'Bearer new-access' });
  });

  it('refreshes once for requests made at the same time', async () => {
    const server = await startStubServer(() => ({ status: 200, json: tokens }));
    const home = await aHomeWith({ ...expiring, server: server.url });
    const credentials = new Credentials(aCliEnvironment({ home, apiUrl: server.url }), () => NOW);
    const both = await Promise.all([credentials.headers(), credentials.headers()]);
    expect(both).toEqual([{ authorization: 'Bearer new-access' }, { authorization: 'Bearer new-access' }]);
    expect(server.requests).toHaveLength(1);
  });

  it('deletes auth.json and says the login ended when the server answers invalid_grant', async () => {
    const server = await startStubServer(() => ({ status: 400, json: { error: 'invalid_grant' } }));
    const home = await aHomeWith({ ...expiring, server: server.url });
    const credentials = new Credentials(aCliEnvironment({ home, apiUrl: server.url }), () => NOW);

    const error = await thrownBy(credentials.headers());
    expect(error).toBeInstanceOf(NotLoggedInError);
    expect((error as NotLoggedInError).message).toContain(server.url);
    expect((error as NotLoggedInError).hints.join(' ')).toContain('base44 login');
    expect(existsSync(loginFile(home))).toBe(false);
    expect(existsSync(serverLoginFile(home, server.url))).toBe(false);
  });

  it('keeps auth.json unchanged when the server fails (500), and reports a CliError', async () => {
    const server = await startStubServer(() => ({ status: 500, json: { message: 'boom' } }));
    const home = await aHomeWith({ ...expiring, server: server.url });
    const before = await snapshot(loginFile(home));
    const credentials = new Credentials(aCliEnvironment({ home, apiUrl: server.url }), () => NOW);

    const error = await thrownBy(credentials.headers());
    expect(error).toBeInstanceOf(CliError);
    expect(error).not.toBeInstanceOf(NotLoggedInError);
    expect((error as CliError).message).toContain('500');
    expect(await snapshot(loginFile(home))).toEqual(before);
  });

  it('keeps auth.json unchanged when a 400 is not invalid_grant', async () => {
    const server = await startStubServer(() => ({ status: 400, json: { error: 'invalid_request' } }));
    const home = await aHomeWith({ ...expiring, server: server.url });
    const before = await snapshot(loginFile(home));
    const error = await thrownBy(
      new Credentials(aCliEnvironment({ home, apiUrl: server.url }), () => NOW).headers(),
    );
    expect(error).toBeInstanceOf(CliError);
    expect(error).not.toBeInstanceOf(NotLoggedInError);
    expect(await snapshot(loginFile(home))).toEqual(before);
  });

  it('keeps auth.json unchanged when the server cannot be reached, naming its URL', async () => {
    const apiUrl = await refusingUrl();
    const home = await aHomeWith({ ...expiring, server: apiUrl });
    const before = await snapshot(loginFile(home));
    const credentials = new Credentials(aCliEnvironment({ home, apiUrl }), () => NOW);

    const error = await thrownBy(credentials.headers());
    expect(error).toBeInstanceOf(CliError);
    expect(error).not.toBeInstanceOf(NotLoggedInError);
    expect(error).toMatchObject({ code: 'server_unreachable', exitCode: 1 });
    expect((error as CliError).message).toContain(apiUrl);
    expect(await snapshot(loginFile(home))).toEqual(before);
  });
});

/** A JWT-shaped token (unsigned: the CLI only reads its claims) with these claims. */
function aJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(claims)}.`;
}

describe('Credentials: a stored login is sent only to the server that issued it', () => {
  it('refuses to send a login made on another server, saying which, and sends nothing', async () => {
    const server = await startStubServer(() => ({ status: 200, json: tokens }));
    const home = await aHomeWith(aLogin({ server: 'https://app.base44.com', expiresAt: NOW + 30_000 }));
    const error = await thrownBy(
      new Credentials(aCliEnvironment({ home, apiUrl: server.url }), () => NOW).headers(),
    );
    expect(error).toBeInstanceOf(NotLoggedInError);
    expect((error as NotLoggedInError).message).toBe(
      `The stored login (alice@example.com) is for https://app.base44.com, not ${server.url}; it is never sent to another server.`,
    );
    expect((error as NotLoggedInError).hints.join(' ')).toContain('base44 login');
    expect(server.requests).toEqual([]);
  });

  it('takes a login without a server (the public CLI’s) from its token’s issuer, else for the Base44 cloud', async () => {
    const server = await startStubServer(() => ({ status: 500 }));
    const issued = aJwt({ iss: server.url, sub: 'alice@example.com' });
    const ours = await aHomeWith(aLogin({ accessToken: issued }));
    expect(
      await new Credentials(aCliEnvironment({ home: ours, apiUrl: server.url }), () => NOW).headers(),
    ).toEqual({
      authorization: `Bearer ${issued}`,
    });

    const cloudMade = await aHomeWith(aLogin({ accessToken: 'opaque' }));
    await expect(
      new Credentials(aCliEnvironment({ home: cloudMade, apiUrl: server.url }), () => NOW).headers(),
    ).rejects.toThrow('is for https://app.base44.com');
    expect(server.requests).toEqual([]);
  });

  it('uses the pair another process stored when its refresh token was already rotated', async () => {
    let home = '';
    const server = await startStubServer(() => {
      // Another CLI process refreshed first: the file now holds its new pair.
      const theirs = aLogin({ accessToken: 'theirs', refreshToken: 'their-refresh', server: server.url });
      writeFileSync(loginFile(home), JSON.stringify(theirs));
      return { status: 400, json: { error: 'invalid_grant' } };
    });
    home = await aHomeWith(aLogin({ expiresAt: NOW + 30_000, server: server.url }));
    const credentials = new Credentials(aCliEnvironment({ home, apiUrl: server.url }), () => NOW);
    expect(await credentials.headers()).toEqual({ authorization: 'Bearer theirs' });
    expect(existsSync(loginFile(home))).toBe(true);
  });
});

describe('ApiClient with a stored login: one refresh and one retry on 401', () => {
  it('refreshes after the server refuses a token it still holds valid, and repeats the request once', async () => {
    const seen: string[] = [];
    const server = await startStubServer((request) => {
      if (request.url === '/oauth/token') return { status: 200, json: tokens };
      seen.push(String(request.headers.authorization));
      return request.headers.authorization === 'Bearer new-access'
        ? { status: 200, json: { email: 'alice@example.com', name: 'Alice' } }
        : { status: 401, json: { message: 'token expired' } };
    });
    const home = await aHomeWith(aLogin({ server: server.url }));
    const environment = aCliEnvironment({ home, apiUrl: server.url });
    const client = new ApiClient(server.url, new Credentials(environment, () => NOW));
    expect(await client.request('get', 'oauth/userinfo', UserInfoResponse)).toEqual({
      email: 'alice@example.com',
      name: 'Alice',
    });
    expect(seen).toEqual(['Bearer stored-access', 'Bearer new-access']);
    expect((await readLogin(home))?.accessToken).toBe('new-access');
  });

  it('does not refresh a workspace key or a token from the environment: the 401 is the answer', async () => {
    const server = await startStubServer(() => ({ status: 401, json: { detail: 'Invalid API key' } }));
    const home = await aTempDir('base44-cli-home-');
    const environment = aCliEnvironment({ home, apiUrl: server.url, apiKey: API_KEY });
    const client = new ApiClient(server.url, new Credentials(environment, () => NOW));
    const error = await thrownBy(client.request('get', 'oauth/userinfo', UserInfoResponse));
    expect(error).toBeInstanceOf(NotLoggedInError);
    expect((error as Error).message).toBe(
      `The server at ${server.url} refused the credentials: Invalid API key`,
    );
    expect(server.requests).toHaveLength(1);
  });
});

describe('stored logins of several servers', () => {
  it('keeps the login of another server when logging in anew, and each server gets its own', async () => {
    const home = await aTempDir('base44-cli-home-');
    const cloud = aLogin({ server: 'https://app.base44.com', accessToken: 'cloud-access' });
    const ours = aLogin({ server: 'http://127.0.0.1:4044', accessToken: 'our-access' });
    await writeLogin(home, cloud);
    await writeLogin(home, ours);
    expect((await readLogin(home))?.accessToken).toBe('our-access');
    expect((await readLoginFor(home, 'https://app.base44.com/'))?.accessToken).toBe('cloud-access');
    const toCloud = new Credentials(aCliEnvironment({ home, apiUrl: 'https://app.base44.com' }), () => NOW);
    expect(await toCloud.headers()).toEqual({ authorization: 'Bearer cloud-access' });

    expect(await deleteLogin(home, 'https://app.base44.com')).toBe(true);
    expect(await readLoginFor(home, 'https://app.base44.com')).toBeUndefined();
    expect((await readLogin(home))?.accessToken).toBe('our-access');
  });
});
