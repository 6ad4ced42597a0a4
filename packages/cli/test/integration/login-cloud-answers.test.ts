import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { base44 } from '../support/run.js';
import { startStubServer } from '../support/stub-server.js';
import { aTempDir } from '../support/temp.js';

// The Base44 cloud cannot be reached from the tests. What it answers to a device login is what
// the public CLI 0.1.18 accepts (its zod schemas of the device-code, token and userinfo answers):
// no `verification_uri_complete`, any `token_type`, `scope` optional, a name that may be empty.
// This stub answers exactly so; our server's stricter answers are tested in login.test.ts.

describe('base44 login on a server answering as the Base44 cloud may', () => {
  it('accepts the looser answers, stores the login for that server, and whoami uses it', async () => {
    let polls = 0;
    const server = await startStubServer((request) => {
      if (request.url === '/oauth/device/code')
        return {
          status: 200,
          json: {
            device_code: 'device-1',
            user_code: 'BCDF-GHJK',
            verification_uri: 'https://app.base44.com/device',
            expires_in: 60,
            interval: 1,
          },
        };
      if (request.url === '/oauth/token')
        return ++polls === 1
          ? { status: 400, json: { error: 'authorization_pending' } }
          : {
              status: 200,
              json: {
                access_token: 'cloud-access',
                token_type: 'bearer',
                expires_in: 3600,
                refresh_token: 'cloud-refresh',
              },
            };
      if (request.url === '/oauth/userinfo')
        return request.headers.authorization === 'Bearer cloud-access'
          ? { status: 200, json: { email: 'alice@example.com', name: '' } }
          : { status: 401, json: { detail: 'Not authenticated' } };
      return { status: 404, json: { detail: 'Not Found' } };
    });
    const home = await aTempDir('base44-cli-home-');
    const cwd = await aTempDir();

    const login = await base44({ home, apiUrl: server.url }, cwd, ['login']);
    expect(login.stderr).toBe('');
    expect(login.stdout).toBe(
      [
        'Open https://app.base44.com/device and enter the code BCDF-GHJK',
        'Waiting for you to approve in the browser...',
        `✓ Logged in as alice@example.com on ${server.url}`,
        '',
      ].join('\n'),
    );
    expect(login.code).toBe(0);
    expect(JSON.parse(await readFile(join(home, '.base44/auth/auth.json'), 'utf8'))).toMatchObject({
      accessToken: 'cloud-access',
      refreshToken: 'cloud-refresh',
      email: 'alice@example.com',
      name: 'alice@example.com',
      server: server.url,
    });

    const whoami = await base44({ home, apiUrl: server.url }, cwd, ['whoami']);
    expect(whoami).toMatchObject({ code: 0, stdout: `Logged in as alice@example.com on ${server.url}\n` });
  });

  it('never sends that login to another BASE44_API_URL, and says so', async () => {
    const other = await startStubServer(() => ({
      status: 200,
      json: { email: 'mallory@example.com', name: 'M' },
    }));
    const home = await aTempDir('base44-cli-home-');
    const cwd = await aTempDir();
    const login = {
      accessToken: 'cloud-access',
      refreshToken: 'cloud-refresh',
      expiresAt: Date.now() + 3600_000,
      email: 'alice@example.com',
      name: 'Alice',
      server: 'https://app.base44.com',
    };
    await mkdir(join(home, '.base44/auth'), { recursive: true });
    await writeFile(join(home, '.base44/auth/auth.json'), JSON.stringify(login), { mode: 0o600 });

    const whoami = await base44({ home, apiUrl: other.url }, cwd, ['whoami']);
    expect(whoami.code).toBe(1);
    expect(whoami.stderr).toContain(
      `The stored login (alice@example.com) is for https://app.base44.com, not ${other.url}; it is never sent to another server.`,
    );
    expect(other.requests).toEqual([]);
  });
});

describe('two base44 processes refreshing the same login at once', () => {
  it('both go on working: the second uses the pair the first stored instead of the rotated-away token', async () => {
    let refreshes = 0;
    const used = new Set<string>();
    const stub = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const answer = (status: number, body: unknown) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(body));
        };
        if (request.url === '/oauth/token') {
          const token =
            new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('refresh_token') ?? '';
          // Rotation: each refresh token works once; the answer takes a while, as over a slow link.
          if (used.has(token)) return answer(400, { error: 'invalid_grant' });
          used.add(token);
          refreshes++;
          return setTimeout(
            () =>
              answer(200, {
                access_token: `access-${refreshes}`,
                token_type: 'Bearer',
                expires_in: 3600,
                refresh_token: `refresh-${refreshes}`,
              }),
            400,
          );
        }
        if (request.headers.authorization?.startsWith('Bearer access-'))
          return answer(200, { email: 'alice@example.com', name: 'Alice' });
        return answer(401, { detail: 'Not authenticated' });
      });
    });
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => stub.close(() => resolve())));
    const server = { url: `http://127.0.0.1:${(stub.address() as AddressInfo).port}` };
    const home = await aTempDir('base44-cli-home-');
    const cwd = await aTempDir();
    await mkdir(join(home, '.base44/auth'), { recursive: true });
    const expiring = {
      accessToken: 'old-access',
      refreshToken: 'refresh-0',
      expiresAt: Date.now() + 10_000,
      email: 'alice@example.com',
      name: 'Alice',
      server: server.url,
    };
    await writeFile(join(home, '.base44/auth/auth.json'), JSON.stringify(expiring), { mode: 0o600 });

    const both = await Promise.all([
      base44({ home, apiUrl: server.url }, cwd, ['whoami']),
      base44({ home, apiUrl: server.url }, cwd, ['whoami']),
    ]);
    for (const result of both) expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(refreshes).toBe(1);
    expect(JSON.parse(await readFile(join(home, '.base44/auth/auth.json'), 'utf8'))).toMatchObject({
      accessToken: 'access-1',
      refreshToken: 'refresh-1',
    });
  });
});
