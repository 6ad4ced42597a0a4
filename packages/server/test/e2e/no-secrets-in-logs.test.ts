import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DEVICE_CODE_GRANT_TYPE,
  type DeviceCodeResponse,
  type TokenForIntegrationResponse,
  type TokenResponse,
} from '@base44-connectors/contract';
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenContext } from '../../src/connectors/store.js';
import { loadKeyring } from '../../src/vault/keyring.js';
import { Vault } from '../../src/vault/vault.js';
import { launchChromium } from '../support/chromium.js';
import { ConnectorApi, sandboxWhoami } from '../support/connectors.js';
import { createTestDatabase, storageFlags, type TestDatabase } from '../support/databases.js';
import { approveDeviceLogin } from '../support/device-approval.js';
import { consentInSandbox } from '../support/sandbox-consent.js';
import { freePort } from '../support/server.js';
import {
  runServerCommand,
  SERVER_BIN,
  type ServerProcess,
  startServerProcess,
} from '../support/server-process.js';

const EMAIL = 'owner@example.com';

interface SealedRow {
  access_token: string;
  refresh_token: string | null;
}

describe('base44-server at log level debug, driven through login, connect, token read and removal', () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;
  /** Everything the process wrote to stdout and stderr, read after it stopped. */
  let output: string;
  let sealed: SealedRow;
  const secrets = new Map<string, string>();

  /** `base44-server ARGS` on this test's data directory; its one line of stdout. */
  async function admin(...args: string[]): Promise<string> {
    const result = await runServerCommand([...args, ...storageFlags(database)]);
    if (result.code !== 0) throw new Error(`${args.join(' ')}: ${result.code} ${result.stderr}`);
    return result.stdout.trim();
  }

  async function postForm(path: string, fields: Record<string, string>): Promise<Response> {
    return fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** The CLI's device login, with the approval signed in with the password in Chromium, then one refresh. */
  async function logInAndRefresh(password: string): Promise<void> {
    const code = (await (
      await fetch(`${server.url}/oauth/device/code`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: 'base44_cli', scope: 'apps:read apps:write sandbox:write' }),
      })
    ).json()) as DeviceCodeResponse;
    secrets.set('device code', code.device_code);
    if (!code.verification_uri_complete) throw new Error('base44-server sends verification_uri_complete');
    await approveDeviceLogin(browser, code.verification_uri_complete, { email: EMAIL, password }, 'logs');

    const granted = await postForm('/oauth/token', {
      grant_type: DEVICE_CODE_GRANT_TYPE,
      device_code: code.device_code,
      client_id: 'base44_cli',
    });
    expect(granted.status).toBe(200);
    const login = (await granted.json()) as TokenResponse;
    const refreshed = (await (
      await postForm('/oauth/token', {
        grant_type: 'refresh_token',
        refresh_token: login.refresh_token,
        client_id: 'base44_cli',
      })
    ).json()) as TokenResponse;
    const userinfo = await fetch(`${server.url}/oauth/userinfo`, {
      headers: { authorization: `Bearer ${refreshed.access_token}` },
    });
    expect(userinfo.status).toBe(200);
    secrets.set('CLI access token', login.access_token);
    secrets.set('CLI refresh token', login.refresh_token);
    secrets.set('CLI access token after refresh', refreshed.access_token);
    secrets.set('CLI refresh token after refresh', refreshed.refresh_token);
  }

  /** Connects slack through the sandbox, reads its token as backend code would, and removes it. */
  async function connectReadAndRemove(appId: string, workspaceKey: string, serviceKey: string) {
    const api = new ConnectorApi(server, appId, { api_key: workspaceKey });
    const put = await api.put('slack', ['chat:write']);
    // The link id works for whoever holds it while the connection is pending: no log line may carry it.
    secrets.set('connection_id', put.connection_id!);
    secrets.set('authorization link id', new URL(put.redirect_url!).pathname.split('/').pop()!);
    expect((await api.status('slack', put.connection_id!, 1)).status).toBe('PENDING');
    const consent = await consentInSandbox(browser, put.redirect_url!, {
      email: 'me@slack.example',
      decision: 'allow',
    });
    expect(consent.status).toBe(200);
    const callback = new URL(consent.callbackUrl).searchParams;
    secrets.set('callback code', callback.get('code')!);
    secrets.set('callback state', callback.get('state')!);
    expect((await api.status('slack', put.connection_id!, 5)).status).toBe('ACTIVE');

    const response = await ConnectorApi.token(server, appId, serviceKey, 'slack');
    expect(response.status).toBe(200);
    const { access_token } = (await response.json()) as TokenForIntegrationResponse;
    secrets.set('slack access token', access_token);
    expect((await sandboxWhoami(server, access_token)).status).toBe(200);

    const sqlite = new Database(join(database.dataDir, 'base44.db'), { readonly: true });
    sealed = sqlite
      .prepare("select access_token, refresh_token from connectors where type = 'slack'")
      .get() as SealedRow;
    sqlite.close();
    const vault = new Vault(loadKeyring(database.dataDir, undefined));
    secrets.set(
      'slack refresh token',
      vault.open(sealed.refresh_token!, tokenContext(appId, 'slack', 'refresh_token')),
    );

    expect((await api.remove('slack')).status).toBe(200);
  }

  /** Credentials that are wrong but secret all the same: a mistyped password, a guessed key. */
  async function presentWrongCredentials(appId: string): Promise<void> {
    const mistyped = `mistyped-${Date.now()}-password`;
    secrets.set('mistyped password', mistyped);
    await postForm('/device/sign-in', { email: EMAIL, password: mistyped, _csrf: 'forged' });
    const guessed = `b44s_${'0'.repeat(16)}${Date.now()}`;
    secrets.set('guessed service key', guessed);
    const refused = await ConnectorApi.token(server, appId, guessed, 'slack');
    expect(refused.status).toBe(401);
  }

  async function dataDirSecrets(): Promise<void> {
    const keyring = JSON.parse(await readFile(join(database.dataDir, 'encryption-keys.json'), 'utf8')) as {
      keys: Record<string, string>;
    };
    for (const [id, key] of Object.entries(keyring.keys)) secrets.set(`encryption key ${id}`, key);
    const stored = JSON.parse(await readFile(join(database.dataDir, 'server-secrets.json'), 'utf8')) as {
      cookieSecret: string;
      signingKey: { d: string };
    };
    secrets.set('cookie secret', stored.cookieSecret);
    secrets.set('signing key (private part)', stored.signingKey.d);
  }

  beforeAll(async () => {
    if (!existsSync(SERVER_BIN)) throw new Error(`${SERVER_BIN} is missing: run \`npm run build\` first`);
    [database, browser] = await Promise.all([createTestDatabase('sqlite'), launchChromium()]);
    const password = await admin('users', 'add', '--email', EMAIL);
    const appId = await admin('apps', 'create', '--name', 'Logged app', '--owner', EMAIL);
    const workspaceKey = await admin('keys', 'create', '--email', EMAIL);
    const serviceKey = await admin('keys', 'create', '--service', '--app', appId);
    secrets.set('password', password);
    secrets.set('workspace key', workspaceKey);
    secrets.set('service key', serviceKey);

    const port = String(await freePort());
    server = await startServerProcess(
      ['--port', port, '--sandbox', '--log-level', 'debug', ...storageFlags(database)],
      { BASE44_SERVER_DEVICE_POLL_INTERVAL: '1' },
    );
    await logInAndRefresh(password);
    await connectReadAndRemove(appId, workspaceKey, serviceKey);
    await presentWrongCredentials(appId);
    await dataDirSecrets();

    await server.stop();
    const { stdout, stderr } = server.child;
    if (!stdout?.readableEnded || !stderr?.readableEnded)
      await new Promise((resolve) => server.child.once('close', resolve));
    output = server.output();
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    await browser?.close();
    await database?.dispose();
  });

  it('stores the access token sealed: the column holds a v1. value, never the token', () => {
    const accessToken = secrets.get('slack access token')!;
    expect(sealed.access_token.startsWith('v1.')).toBe(true);
    expect(sealed.access_token).not.toContain(accessToken);
    expect(sealed.refresh_token?.startsWith('v1.')).toBe(true);
  });

  it('logs every request it served as JSON lines, by route pattern and allowlisted query values only', () => {
    const lines = output.split('\n').filter((line) => line.startsWith('{'));
    const requests = lines
      .map((line) => (JSON.parse(line) as { req?: { url?: string; params?: object } }).req)
      .filter((req) => req !== undefined);
    expect(requests.map((req) => req.url)).toEqual(
      expect.arrayContaining([
        '/oauth/token',
        '/oauth/start/:connectionId',
        '/oauth/callback?code=[redacted]&state=[redacted]&iss=[redacted]',
        '/api/apps/:appId/external-auth/status?integration_type=slack&connection_id=[redacted]&wait=5',
        '/api/apps/:appId/external-auth/tokens/:type',
        '/api/apps/:appId/external-auth/integrations/:type/remove',
      ]),
    );
    expect(requests).toContainEqual(
      expect.objectContaining({
        url: '/api/apps/:appId/external-auth/tokens/:type',
        params: expect.objectContaining({ type: 'slack' }),
      }),
    );
    expect(output).toContain('connector authorized');
  });

  it('writes no token, key, password, link id, OAuth code or state, or data-directory secret to its output', () => {
    expect(secrets.size).toBeGreaterThanOrEqual(19);
    for (const [name, value] of secrets) expect(value.length, name).toBeGreaterThanOrEqual(16);
    const leaked = [...secrets]
      .filter(([, value]) => output.includes(value) || output.includes(encodeURIComponent(value)))
      .map(([name]) => name);
    expect(leaked).toEqual([]);
  });
});
