import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type DesiredConnector,
  type PlanResponse,
  planChangesSomething,
  type TokenForIntegrationResponse,
} from '@base44-connectors/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '../../src/storage/database.js';
import { loadKeyring } from '../../src/vault/keyring.js';
import { anApp, aServiceKey, aUser, aWorkspaceKey } from '../support/accounts.js';
import { ConnectorApi } from '../support/connectors.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { type ExternalProvider, startExternalProvider } from '../support/external-provider.js';
import { consentOverHttp, type OpenConsentPage, openConsentPage } from '../support/http-consent.js';
import { type KillableServer, spawnServer } from '../support/killable-server.js';
import { seededRandom } from '../support/seeded-random.js';
import { freePort } from '../support/server.js';
import { inspectStore } from '../support/store-check.js';

// `base44-server start` on SQLite, killed with SIGKILL at a random moment of each of 50 lives
// (some while it starts: opening and migrating the database, making or loading its keys,
// listening; the others while a stream of pushes, authorizations and token reads runs against
// it), checked between lives with the server down, then started once more.
// Pushes go to app P (plan, then apply from the planned revision, one at a time, so at most one
// is in flight when the kill lands); authorizations and token reads to app A; app W holds one
// authorization left pending at the provider's consent page through all the kills.
// The providers are one oidc-provider in this process under four types: it lives on across the
// kills as a real provider would. BASE44_TEST_SEED=n replays a run (failures name the seed).

const LIVES = 50;
/** The share of lives killed while starting; the others are killed within TRAFFIC_MS of listening. */
const KILLED_WHILE_STARTING = 0.35;
const TRAFFIC_MS = 250;
const PENDING_FROM_LIFE = 3;
const TYPES = ['acme', 'acme_chat', 'acme_docs', 'acme_mail'];
const SCOPES = ['read', 'write', 'admin'];
const EMAIL = 'me@acme.example';

const random = seededRandom();

interface Push {
  revision: number;
  desired: DesiredConnector[];
}

describe(`base44-server killed (SIGKILL) at random moments ${LIVES} times, on SQLite`, () => {
  let database: TestDatabase;
  let provider: ExternalProvider;
  let url: string;
  let args: string[];
  let apps: { p: string; a: string; w: string };
  let workspaceKey: string;
  let serviceKey: string;
  let server: KillableServer | undefined;
  const api = (appId: string) => new ConnectorApi({ url }, appId, { api_key: workspaceKey });

  // What the server acknowledged, and what it may or may not have done when it died.
  let acknowledged: Push = { revision: 0, desired: [] };
  let inFlight: DesiredConnector[] | undefined;
  const authorized = new Set<string>();
  const problems: string[] = [];
  const done = { pushes: 0, consents: 0, tokenReads: 0 };
  let pending: { connectionId: string; consent: OpenConsentPage; heard: Promise<string> } | undefined;

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    [database, provider] = await Promise.all([
      createTestDatabase('sqlite'),
      startExternalProvider({ serverUrl: url }),
    ]);
    const providersFile = join(database.dataDir, 'providers.json');
    await writeFile(
      providersFile,
      JSON.stringify({
        credentials: Object.fromEntries(TYPES.map((type) => [type, provider.credentials])),
        catalog: TYPES.map((type) => ({ ...provider.entry, type })),
      }),
    );
    args = ['--port', String(port), '--data-dir', database.dataDir, '--providers-file', providersFile];
    args.push('--log-level', 'warn');

    const storage = await openStorage(database);
    const owner = await aUser(storage, 'owner@example.com');
    apps = { p: await anApp(storage, owner), a: await anApp(storage, owner), w: await anApp(storage, owner) };
    workspaceKey = await aWorkspaceKey(storage, owner);
    serviceKey = await aServiceKey(storage, apps.a);
    await storage.close();
    loadKeyring(database.dataDir, undefined); // the key file exists before the first kill
    const { apps: before } = await inspectStore(database, [apps.p]);
    acknowledged = { revision: before[apps.p]!.revision, desired: [] };
  });
  afterAll(async () => {
    await server?.kill();
    await provider?.close();
    await database?.dispose();
  });

  it(`keeps the database whole through ${LIVES} kills: every acknowledged push and authorization is there, every active connector's tokens open`, async () => {
    const startup = { total: 0, count: 0 };
    for (let life = 1; life <= LIVES; life++) {
      const spawned = performance.now();
      const current = spawnServer(args);
      server = current;
      const killed = { now: false };
      const traffic: Promise<void>[] = [];
      if (startup.count > 0 && random.chance(KILLED_WHILE_STARTING)) {
        // Late in the start, where it opens the database and the keys and begins to listen.
        await sleep((0.5 + random.next() * 0.6) * (startup.total / startup.count));
      } else {
        await current.listening;
        startup.total += performance.now() - spawned;
        startup.count++;
        if (life >= PENDING_FROM_LIFE && !pending) pending = await leaveAuthorizationPending();
        traffic.push(pushes(killed), authorizations(killed));
        // The first life that listens lives a full second, so every stream surely gets going.
        await sleep(startup.count === 1 ? 1000 : random.next() * TRAFFIC_MS);
      }
      expect(current.exited(), `life ${life} ended on its own:\n${current.output()}`).toBe(false);
      killed.now = true;
      await current.kill();
      await Promise.all(traffic);
      await expectWhole(`after life ${life} (seed ${random.seed})`);
    }
    expect(pending, 'no life got to leave an authorization pending').toBeDefined();
    // The streams ran (the checks above were not vacuous).
    expect(
      Object.values(done).every((count) => count > 0),
      JSON.stringify(done),
    ).toBe(true);
  }, 240_000);

  it('completes the authorization left pending before the kills, and the client waiting through them hears ACTIVE', async () => {
    server = spawnServer(args);
    await server.listening;
    const callback = await pending!.consent.decide('allow');
    expect(callback.status, callback.text).toBe(200);
    expect(await pending!.heard).toBe('ACTIVE');
    expect((await api(apps.w).list()).integrations).toMatchObject([
      { integration_type: 'acme', status: 'active' },
    ]);
  });

  it('converges on a re-run of push: pending connectors get authorized, then the plan has nothing to do', async () => {
    const ofA = (await api(apps.a).list()).integrations.map((i) => ({
      type: i.integration_type,
      scopes: i.scopes,
    }));
    for (const [appId, desired] of [
      [apps.p, acknowledged.desired],
      [apps.a, ofA],
    ] as const) {
      const applied = await api(appId).push(desired);
      for (const result of applied.results) {
        expect(result.outcome, JSON.stringify(result)).toMatch(/^(synced|needs_authorization)$/);
        if (result.outcome !== 'needs_authorization') continue;
        const consent = await consentOverHttp(result.redirect_url, { email: EMAIL, decision: 'allow' });
        expect(consent.status, consent.text).toBe(200);
      }
      const again = (await (await api(appId).plan(desired)).json()) as PlanResponse;
      expect(planChangesSomething(again.actions), JSON.stringify(again.actions)).toBe(false);
    }
    for (const type of authorized) {
      const response = await ConnectorApi.token({ url }, apps.a, serviceKey, type);
      expect(response.status).toBe(200);
      const { access_token } = (await response.json()) as TokenForIntegrationResponse;
      const whoami = await fetch(provider.endpoints.api, {
        headers: { authorization: `Bearer ${access_token}` },
      });
      expect(whoami.status, `the ${type} token works at the provider`).toBe(200);
    }
  });

  /**
   * With the server down: nothing half-written (store-check.ts); app P as the last acknowledged
   * push left it, or as the push in flight at the kill would; app A's authorized connectors
   * active; app W's authorization still pending; no request failed while the server lived.
   */
  async function expectWhole(where: string): Promise<void> {
    const inspection = await inspectStore(
      database,
      Object.values(apps),
      pending ? [pending.connectionId] : [],
    );
    expect(inspection.problems, where).toEqual([]);
    expect(problems, where).toEqual([]);
    const p = inspection.apps[apps.p]!;
    const now = { revision: p.revision, desired: p.connectors.map(({ type, scopes }) => ({ type, scopes })) };
    const asAcknowledged = now.revision === acknowledged.revision && same(now.desired, acknowledged.desired);
    const asInFlight =
      inFlight !== undefined && now.revision === acknowledged.revision + 1 && same(now.desired, inFlight);
    expect(asAcknowledged || asInFlight, `${where}: app P holds ${JSON.stringify(now)}`).toBe(true);
    acknowledged = now;
    inFlight = undefined;
    const active = inspection.apps[apps.a]!.connectors.filter((c) => c.state === 'active');
    expect(
      active.map((c) => c.type),
      `${where}: authorized connectors of app A`,
    ).toEqual(expect.arrayContaining([...authorized]));
    if (!pending) return;
    const waiting = inspection.apps[apps.w]!.connectors.map((c) => [c.type, c.state]);
    expect(waiting, `${where}: app W`).toEqual([['acme', 'pending']]);
    expect(inspection.attempts[pending.connectionId]?.status, `${where}: app W's attempt`).toBe('PENDING');
  }

  /** Pushes to app P, one at a time, until the server is killed. */
  async function pushes(killed: { now: boolean }): Promise<void> {
    const p = api(apps.p);
    await untilKilled(killed, async () => {
      const desired = randomDesired();
      const planned = await p.plan(desired);
      if (planned.status !== 200) throw new Error(`plan answered ${planned.status}: ${await planned.text()}`);
      const { revision } = (await planned.json()) as PlanResponse;
      inFlight = desired;
      const applied = await p.apply(desired, revision);
      const body = (await applied.json()) as { revision: number };
      if (applied.status !== 200)
        throw new Error(`apply answered ${applied.status}: ${JSON.stringify(body)}`);
      acknowledged = { revision: body.revision, desired };
      inFlight = undefined;
      done.pushes++;
    });
  }

  /** Authorizes connectors of app A over HTTP, and reads an authorized one's token, until the server is killed. */
  async function authorizations(killed: { now: boolean }): Promise<void> {
    const a = api(apps.a);
    await untilKilled(killed, async () => {
      // Scopes the grant may not cover yet, so that consents keep coming once every type is active.
      const { type, scopes } = randomConnector();
      const put = await a.putRaw(type, scopes);
      if (put.status !== 200) throw new Error(`PUT ${type} answered ${put.status}: ${await put.text()}`);
      const answer = (await put.json()) as { redirect_url: string | null };
      if (answer.redirect_url) {
        const consent = await consentOverHttp(answer.redirect_url, { email: EMAIL, decision: 'allow' });
        if (consent.status !== 200)
          throw new Error(`the ${type} callback answered ${consent.status}: ${consent.text}`);
        authorized.add(type);
        done.consents++;
      }
      for (const read of authorized) {
        const token = await ConnectorApi.token({ url }, apps.a, serviceKey, read);
        await token.body?.cancel();
        if (token.status !== 200) throw new Error(`the ${read} token answered ${token.status}`);
        done.tokenReads++;
      }
    });
  }

  /** Runs `step` again and again until the kill; a failure before the kill is a problem of the server. */
  async function untilKilled(killed: { now: boolean }, step: () => Promise<void>): Promise<void> {
    while (!killed.now) {
      try {
        await step();
      } catch (error) {
        if (!killed.now) problems.push((error as Error).message);
        return;
      }
    }
  }

  /**
   * Starts an authorization on app W and walks it to the provider's consent page; a client then
   * waits for it as the CLI does, long-polling and retrying while the server is away.
   */
  async function leaveAuthorizationPending(): Promise<NonNullable<typeof pending>> {
    const put = await api(apps.w).put('acme', ['read']);
    const consent = await openConsentPage(put.redirect_url!, EMAIL);
    const heard = api(apps.w).waitUntilSettled('acme', put.connection_id!, 200_000);
    return { connectionId: put.connection_id!, consent, heard };
  }
});

function randomDesired(): DesiredConnector[] {
  return TYPES.filter(() => random.chance(0.5)).map((type) => ({ type, scopes: randomScopes() }));
}

function randomConnector(): DesiredConnector {
  return { type: random.pick(TYPES), scopes: randomScopes() };
}

/** `read`, and each other scope half of the time. */
function randomScopes(): string[] {
  return SCOPES.filter((_scope, index) => index === 0 || random.chance(0.5));
}

function same(left: DesiredConnector[], right: DesiredConnector[]): boolean {
  const key = (connectors: DesiredConnector[]) =>
    JSON.stringify(
      connectors
        .map((c) => [c.type, [...c.scopes].sort()])
        .sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    );
  return key(left) === key(right);
}
