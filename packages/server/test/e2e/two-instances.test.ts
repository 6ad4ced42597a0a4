import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TokenForIntegrationResponse } from '@base44-connectors/contract';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { ConnectorApi } from '../support/connectors.js';
import { createTestDatabase, POSTGRES_URL, storageFlags, type TestDatabase } from '../support/databases.js';
import { type ExternalProvider, startExternalProvider } from '../support/external-provider.js';
import { consentInSandbox } from '../support/sandbox-consent.js';
import { freePort } from '../support/server.js';
import { runServerCommand, type ServerProcess, startServerProcess } from '../support/server-process.js';

const SIMULTANEOUS_REQUESTS = 50;

/** Two `base44-server start` processes on one PostgreSQL schema and one data directory (same keys). */
describe('two server instances sharing PostgreSQL', () => {
  let database: TestDatabase;
  let provider: ExternalProvider;
  let browser: Browser;
  let a: ServerProcess;
  let b: ServerProcess;
  let appId: string;
  let serviceKey: string;
  let onA: ConnectorApi;
  let onB: ConnectorApi;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const [portA, portB] = await twoFreePorts();
    const urlA = `http://127.0.0.1:${portA}`;
    const urlB = `http://127.0.0.1:${portB}`;
    // Longer than the server's five-minute refresh margin, so a fresh token is not refreshed again.
    provider = await startExternalProvider({ serverUrl: [urlA, urlB], accessTokenTtlSeconds: 3600 });
    const providersFile = join(database.dataDir, 'providers.json');
    await writeFile(
      providersFile,
      JSON.stringify({ credentials: { acme: provider.credentials }, catalog: [provider.entry] }),
    );

    // The first command migrates the schema; the servers then start on a database that is ready.
    await admin(database, ['users', 'add', '--email', 'alice@example.com', '--password-stdin'], 'pw-alice-1');
    appId = await admin(database, ['apps', 'create', '--name', 'Shared', '--owner', 'alice@example.com']);
    const workspaceKey = await admin(database, ['keys', 'create', '--email', 'alice@example.com']);
    serviceKey = await admin(database, ['keys', 'create', '--service', '--app', appId]);

    const start = (port: number, url: string) =>
      startServerProcess([
        '--port',
        String(port),
        '--public-url',
        url,
        ...storageFlags(database),
        '--providers-file',
        providersFile,
      ]);
    [a, b, browser] = await Promise.all([start(portA, urlA), start(portB, urlB), launchChromium()]);
    onA = new ConnectorApi(a, appId, { api_key: workspaceKey });
    onB = new ConnectorApi(b, appId, { api_key: workspaceKey });
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([a?.stop(), b?.stop()]);
    await provider?.close();
    await database?.dispose();
  });

  const token = (server: ServerProcess) => ConnectorApi.token(server, appId, serviceKey, 'acme');

  it('wakes a long-poll on one instance when the callback lands on the other', async () => {
    const put = await onA.put('acme', ['read']);
    expect(new URL(put.redirect_url!).origin).toBe(a.url);

    let answeredAt: number | undefined;
    const longPoll = onB.status('acme', put.connection_id!, 25).then((status) => {
      answeredAt = Date.now();
      return status;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answeredAt, 'the long-poll on B answered before anything happened').toBeUndefined();

    const consentStartedAt = Date.now();
    const consent = await consentInSandbox(browser, put.redirect_url!, {
      email: 'acme-user@example.com',
      decision: 'allow',
    });
    const callbackDoneAt = Date.now();
    expect(new URL(consent.callbackUrl).origin).toBe(a.url);
    expect(consent.status).toBe(200);

    expect(await longPoll).toEqual({ status: 'ACTIVE' });
    expect(answeredAt!).toBeGreaterThan(consentStartedAt);
    expect(answeredAt! - callbackDoneAt).toBeLessThan(2000);
  });

  it('refreshes an expired token once at the provider for 50 simultaneous requests across both instances', async () => {
    const before = await tokenFrom(await token(a));
    await expireConnector(database, appId, 'acme');
    const tokenRequestsBefore = provider.tokenRequests();

    const responses = await Promise.all(
      Array.from({ length: SIMULTANEOUS_REQUESTS }, (_, i) => token(i % 2 === 0 ? a : b)),
    );

    expect(responses.map((response) => response.status)).toEqual(Array(SIMULTANEOUS_REQUESTS).fill(200));
    const accessTokens = new Set(await Promise.all(responses.map(tokenFrom)));
    expect(accessTokens.size).toBe(1);
    const [after] = accessTokens;
    expect(after).not.toBe(before);
    expect(provider.tokenRequests() - tokenRequestsBefore).toBe(1);

    // The grant survived (a refresh token presented twice would have revoked it) and the new token works.
    const whoami = await fetch(provider.endpoints.api, { headers: { authorization: `Bearer ${after}` } });
    expect(whoami.status).toBe(200);
    expect(await tokenFrom(await token(b))).toBe(after);
    expect(provider.tokenRequests() - tokenRequestsBefore).toBe(1);
  });
});

/** Runs an administration command against the shared database and returns what it printed. */
async function admin(database: TestDatabase, args: string[], stdin?: string): Promise<string> {
  const result = await runServerCommand([...args, ...storageFlags(database)], stdin ? { stdin } : {});
  if (result.code !== 0) throw new Error(`base44-server ${args.join(' ')}: ${result.code}\n${result.stderr}`);
  return result.stdout.trim();
}

async function twoFreePorts(): Promise<[number, number]> {
  const first = await freePort();
  let second = await freePort();
  while (second === first) second = await freePort();
  return [first, second];
}

async function tokenFrom(response: Response): Promise<string> {
  return ((await response.json()) as TokenForIntegrationResponse).access_token;
}

/** Moves the stored expiry into the past behind the servers' backs, as time passing would. */
async function expireConnector(database: TestDatabase, appId: string, type: string): Promise<void> {
  const schema = new URL(database.databaseUrl!).searchParams.get('schema')!;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    const result = await client.query(
      `update "${schema}".connectors set expires_at = $1 where app_id = $2 and type = $3`,
      [Date.now() - 60_000, appId, type],
    );
    expect(result.rowCount).toBe(1);
  } finally {
    await client.end();
  }
}
