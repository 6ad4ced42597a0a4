import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TokenForIntegrationResponse } from '@base44-connectors/contract';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { anApp, aServiceKey, aUser, aWorkspaceKey } from '../support/accounts.js';
import { ConnectorApi } from '../support/connectors.js';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases.js';
import { type ExternalProvider, startExternalProvider } from '../support/external-provider.js';
import { consentOverHttp } from '../support/http-consent.js';
import { createTestServer, freePort, TestClock, type TestServer } from '../support/server.js';

// A provider that takes 2 s to answer a refresh, and two server instances on one database (two
// in-process servers on one PostgreSQL schema, or on one SQLite file: two connections, as two
// processes would have). The refresh holds a lease on the connector row, not a lock, and no
// transaction is open while the provider thinks.

const SLOW_REFRESH_MS = 2000;
const PARALLEL_REQUESTS = 20;
/** The provider's tokens last an hour; this much later the stored one has expired. */
const PAST_EXPIRY_SECONDS = 61 * 60;

describe.each(DATABASE_KINDS)('token refresh under a lease, two instances on one %s database', (kind) => {
  let database: TestDatabase;
  let provider: ExternalProvider;
  let a: TestServer;
  let b: TestServer;
  let onA: ConnectorApi;
  let onB: ConnectorApi;
  let serviceKey: string;
  const clock = new TestClock();

  beforeAll(async () => {
    const [portA, portB] = await twoFreePorts();
    database = await createTestDatabase(kind);
    provider = await startExternalProvider({
      serverUrl: [`http://127.0.0.1:${portA}`, `http://127.0.0.1:${portB}`],
      accessTokenTtlSeconds: 3600,
    });
    const providersFile = join(database.dataDir, 'providers.json');
    await writeFile(
      providersFile,
      JSON.stringify({ credentials: { acme: provider.credentials }, catalog: [provider.entry] }),
    );
    const { providers } = loadConfig({ providersFile }, {});
    a = await createTestServer(kind, { listen: true, port: portA, database, providers, clock });
    b = await createTestServer(kind, { listen: true, port: portB, database, providers, clock });

    const alice = await aUser(a.storage, 'alice@example.com');
    const appId = await anApp(a.storage, alice);
    const workspaceKey = await aWorkspaceKey(a.storage, alice);
    onA = new ConnectorApi(a, appId, { api_key: workspaceKey });
    onB = new ConnectorApi(b, appId, { api_key: workspaceKey });
    serviceKey = await aServiceKey(a.storage, appId);

    const put = await onA.put('acme', ['read']);
    await consentOverHttp(put.redirect_url!, { email: 'acme-user@example.com', decision: 'allow' });
    expect(await onA.status('acme', put.connection_id!)).toEqual({ status: 'ACTIVE' });
  });
  afterAll(async () => {
    provider?.delayTokenEndpoint(0);
    await Promise.all([a?.close(), b?.close()]);
    await provider?.close();
    await database?.dispose();
  });

  const token = (server: TestServer) => ConnectorApi.token(server, onA.appId, serviceKey, 'acme');
  const accessToken = async (server: TestServer) => {
    const response = await token(server);
    expect(response.status).toBe(200);
    return ((await response.json()) as TokenForIntegrationResponse).access_token;
  };
  /** PARALLEL_REQUESTS token reads at once, every other one on each instance. */
  const parallelReads = () =>
    Promise.all(Array.from({ length: PARALLEL_REQUESTS }, (_, i) => token(i % 2 === 0 ? a : b)));
  const connectorRow = () =>
    a.storage.db
      .selectFrom('connectors')
      .select(['refresh_lease_owner', 'refresh_lease_until', 'state'])
      .where('app_id', '=', onA.appId)
      .where('type', '=', 'acme')
      .executeTakeFirstOrThrow();

  async function slowly<T>(run: () => Promise<T>): Promise<T> {
    provider.delayTokenEndpoint(SLOW_REFRESH_MS);
    try {
      return await run();
    } finally {
      provider.delayTokenEndpoint(0);
    }
  }

  it('refreshes an expired token once at the provider for 20 parallel requests over both instances, and every request gets the new token', async () => {
    const before = await accessToken(a);
    clock.advance(PAST_EXPIRY_SECONDS);
    const tokenRequestsBefore = provider.tokenRequests();

    const responses = await slowly(parallelReads);

    expect(responses.map((response) => response.status)).toEqual(Array(PARALLEL_REQUESTS).fill(200));
    const accessTokens = new Set(
      await Promise.all(
        responses.map(async (r) => ((await r.json()) as TokenForIntegrationResponse).access_token),
      ),
    );
    expect(accessTokens.size).toBe(1);
    const [after] = accessTokens;
    expect(after).not.toBe(before);
    expect(provider.tokenRequests() - tokenRequestsBefore).toBe(1);
    // The grant survived (a refresh token presented twice revokes it) and the new token works.
    const whoami = await fetch(provider.endpoints.api, { headers: { authorization: `Bearer ${after}` } });
    expect(whoami.status).toBe(200);
    expect(await accessToken(b)).toBe(after);
    expect(await connectorRow()).toMatchObject({ refresh_lease_owner: null, refresh_lease_until: null });
  });

  it('holds no database connection or row lock while the provider is slow: other requests answer at once', async () => {
    clock.advance(PAST_EXPIRY_SECONDS);
    const tokenRequestsBefore = provider.tokenRequests();
    provider.delayTokenEndpoint(SLOW_REFRESH_MS);
    try {
      const reads = parallelReads();
      // The refresh gets under way (its lease taken) while the provider is slow; on a busy machine
      // that can take a few hundred milliseconds.
      const leaseTakenBy = performance.now() + SLOW_REFRESH_MS / 2;
      while ((await connectorRow()).refresh_lease_owner === null && performance.now() < leaseTakenBy)
        await sleep(25);
      expect((await connectorRow()).refresh_lease_owner).not.toBeNull();
      const latencies: number[] = [];
      const timed = async (request: () => Promise<Response>) => {
        const started = performance.now();
        const response = await request();
        latencies.push(performance.now() - started);
        expect(response.status).toBe(200);
        await response.body?.cancel();
      };
      const until = performance.now() + SLOW_REFRESH_MS - 600;
      while (performance.now() < until) {
        // More parallel requests than a PostgreSQL pool holds connections (10).
        await Promise.all(
          Array.from({ length: 12 }, (_, i) => timed(() => (i % 2 === 0 ? onA : onB).listRaw())),
        );
        if (kind === 'postgres') expect(await locksHeldOutsideStatements(database)).toEqual([]);
      }
      const responses = await reads;
      expect(responses.map((response) => response.status)).toEqual(Array(PARALLEL_REQUESTS).fill(200));
      expect(provider.tokenRequests() - tokenRequestsBefore).toBe(1);
      latencies.sort((x, y) => x - y);
      const p99 = latencies[Math.ceil(latencies.length * 0.99) - 1]!;
      expect(latencies.length).toBeGreaterThan(20);
      expect(p99, `p99 of ${latencies.length} list requests during the refresh`).toBeLessThan(500);
    } finally {
      provider.delayTokenEndpoint(0);
    }
  });

  it('takes over the lease of a holder that died once it runs out: until then a valid token serves at once and an expired one waits', async () => {
    const before = await accessToken(a);
    const tokenRequestsBefore = provider.tokenRequests();
    clock.advance(56 * 60); // within the refresh margin, still valid
    // A holder that took the lease and died; its lease runs 10 more minutes.
    await leaseByHand(clock.now() + 10 * 60 * 1000);
    expect(await accessToken(b)).toBe(before);
    expect(provider.tokenRequests() - tokenRequestsBefore).toBe(0);

    clock.advance(5 * 60); // expired, and the dead lease has 5 minutes left
    let answered = false;
    const waiting = token(a).then((response) => {
      answered = true;
      return response;
    });
    await sleep(300);
    expect(answered, 'an expired token was answered while a lease was held').toBe(false);
    expect(provider.tokenRequests() - tokenRequestsBefore).toBe(0);

    clock.advance(5 * 60); // the dead lease ran out: the waiting request takes it and refreshes
    const response = await waiting;
    expect(response.status).toBe(200);
    const after = ((await response.json()) as TokenForIntegrationResponse).access_token;
    expect(after).not.toBe(before);
    expect(provider.tokenRequests() - tokenRequestsBefore).toBe(1);
    expect(await accessToken(b)).toBe(after);

    // A lease that ran out before anyone asked: the next request takes it at once.
    clock.advance(PAST_EXPIRY_SECONDS);
    await leaseByHand(clock.now() - 1);
    const next = await accessToken(b);
    expect(next).not.toBe(after);
    expect(provider.tokenRequests() - tokenRequestsBefore).toBe(2);
  });

  it('answers every waiting request 503 with the reason when the slow provider fails, after one token request, and refreshes once it recovers', async () => {
    clock.advance(PAST_EXPIRY_SECONDS);
    const tokenRequestsBefore = provider.tokenRequests();
    provider.breakTokenEndpoint('status_500');
    let responses: Response[];
    try {
      responses = await slowly(parallelReads);
    } finally {
      provider.breakTokenEndpoint(undefined);
    }
    expect(responses.map((response) => response.status)).toEqual(Array(PARALLEL_REQUESTS).fill(503));
    expect(responses.map((response) => response.headers.get('retry-after'))).toEqual(
      Array(PARALLEL_REQUESTS).fill('5'),
    );
    const bodies = await Promise.all(responses.map((response) => response.json()));
    expect(new Set(bodies.map((body) => JSON.stringify(body)))).toEqual(
      new Set([
        JSON.stringify({
          message: 'acme could not refresh its token: Acme answered 500 with something that is not JSON',
          code: 'provider_unavailable',
        }),
      ]),
    );
    expect(provider.tokenRequests() - tokenRequestsBefore).toBe(1);
    expect((await onB.list()).integrations).toMatchObject([{ integration_type: 'acme', status: 'active' }]);

    expect(await accessToken(b)).toEqual(expect.any(String));
    expect(provider.tokenRequests() - tokenRequestsBefore).toBe(2);
  });

  it('marks the connector expired once when the slow provider refuses the refresh: every parallel request answers 409, after one token request', async () => {
    clock.advance(PAST_EXPIRY_SECONDS);
    const tokenRequestsBefore = provider.tokenRequests();
    provider.breakTokenEndpoint('invalid_grant');
    let responses: Response[];
    try {
      responses = await slowly(parallelReads);
    } finally {
      provider.breakTokenEndpoint(undefined);
    }
    expect(responses.map((response) => response.status)).toEqual(Array(PARALLEL_REQUESTS).fill(409));
    for (const response of responses) {
      expect(await response.json()).toEqual({
        message: 'acme is expired and must be authorized again: run `base44 connectors push`',
        code: 'connector_needs_authorization',
      });
    }
    expect(provider.tokenRequests() - tokenRequestsBefore).toBe(1);
    expect(await connectorRow()).toEqual({
      refresh_lease_owner: null,
      refresh_lease_until: null,
      state: 'expired',
    });
    expect((await onA.list()).integrations).toMatchObject([{ integration_type: 'acme', status: 'expired' }]);
    expect((await token(b)).status).toBe(409);
    expect(provider.tokenRequests() - tokenRequestsBefore).toBe(1);
  });

  async function leaseByHand(until: number): Promise<void> {
    const result = await a.storage.db
      .updateTable('connectors')
      .set({ refresh_lease_owner: 'a-holder-that-died', refresh_lease_until: until })
      .where('app_id', '=', onA.appId)
      .where('type', '=', 'acme')
      .executeTakeFirst();
    expect(Number(result.numUpdatedRows)).toBe(1);
  }

  /** Locks on this schema's connectors table held by a session that is not running a statement (a transaction left open). */
  async function locksHeldOutsideStatements(testDatabase: TestDatabase): Promise<unknown[]> {
    const schema = new URL(testDatabase.databaseUrl!).searchParams.get('schema')!;
    const { rows } = await sql<{ mode: string; state: string }>`
      select l.mode, s.state from pg_locks l
        join pg_class c on c.oid = l.relation
        join pg_namespace n on n.oid = c.relnamespace
        join pg_stat_activity s on s.pid = l.pid
      where n.nspname = ${schema} and c.relname = 'connectors' and s.state <> 'active'`.execute(a.storage.db);
    return rows;
  }
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function twoFreePorts(): Promise<[number, number]> {
  const first = await freePort();
  let second = await freePort();
  while (second === first) second = await freePort();
  return [first, second];
}
