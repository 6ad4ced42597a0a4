import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TokenForIntegrationResponse } from '@base44-connectors/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '../../src/storage/database.js';
import { anApp, aServiceKey, aUser, aWorkspaceKey } from '../support/accounts.js';
import { ConnectorApi } from '../support/connectors.js';
import { type ExternalProvider, startExternalProvider } from '../support/external-provider.js';
import { consentOverHttp } from '../support/http-consent.js';
import {
  type PrivatePostgres,
  privatePostgresUnavailable,
  startPrivatePostgres,
} from '../support/private-postgres.js';
import { freePort } from '../support/server.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

// PostgreSQL stops and starts under two running `base44-server start` processes that share it
// (a private cluster of this test: the shared one serves every other test). While it is down,
// requests answer 503 `database_unavailable`; neither process dies; once it is back, both serve
// again and long-polls are still woken across instances, without restarting anything.

const skipReason = privatePostgresUnavailable();
const ACME = [{ type: 'acme', scopes: ['read'] }];

describe.skipIf(skipReason !== undefined)('PostgreSQL going away and coming back under load', () => {
  let postgres: PrivatePostgres;
  let dataDir: string;
  let provider: ExternalProvider;
  let a: ServerProcess;
  let b: ServerProcess;
  let onA: ConnectorApi;
  let onB: ConnectorApi;
  let serviceKey: string;

  beforeAll(async () => {
    [postgres, dataDir] = await Promise.all([
      startPrivatePostgres(),
      mkdtemp(join(tmpdir(), 'base44-outage-')),
    ]);
    const databaseUrl = `${postgres.url}?schema=outage`;
    const storage = await openStorage({ databaseUrl, dataDir });
    const alice = await aUser(storage, 'alice@example.com');
    const appId = await anApp(storage, alice);
    const workspaceKey = await aWorkspaceKey(storage, alice);
    serviceKey = await aServiceKey(storage, appId);
    await storage.close();

    const [portA, portB] = [await freePort(), await freePort()];
    const urls = [`http://127.0.0.1:${portA}`, `http://127.0.0.1:${portB}`];
    provider = await startExternalProvider({ serverUrl: urls });
    const providersFile = join(dataDir, 'providers.json');
    await writeFile(
      providersFile,
      JSON.stringify({ credentials: { acme: provider.credentials }, catalog: [provider.entry] }),
    );
    const start = (port: number, url: string) =>
      startServerProcess([
        ...['--port', String(port), '--public-url', url, '--log-level', 'warn'],
        ...['--data-dir', dataDir, '--database-url', databaseUrl, '--providers-file', providersFile],
      ]);
    [a, b] = await Promise.all([start(portA, urls[0]!), start(portB, urls[1]!)]);
    onA = new ConnectorApi(a, appId, { api_key: workspaceKey });
    onB = new ConnectorApi(b, appId, { api_key: workspaceKey });
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await provider?.close();
    await postgres?.dispose();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const token = (server: ServerProcess) => ConnectorApi.token(server, onA.appId, serviceKey, 'acme');

  function expectBothAlive(): void {
    expect(a.child.exitCode, `instance A died:\n${a.output()}`).toBeNull();
    expect(b.child.exitCode, `instance B died:\n${b.output()}`).toBeNull();
  }

  async function expectUnavailable(response: Response): Promise<void> {
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    const body = (await response.json()) as { message: string; code: string };
    expect(body.code).toBe('database_unavailable');
    expect(body.message).toMatch(/^PostgreSQL cannot be reached \(.+\): try again in a few seconds$/);
  }

  it('answers 503 database_unavailable on every kind of request while PostgreSQL is down, and serves again once it is back', async () => {
    const applied = await onA.push(ACME);
    const link = applied.results[0]!;
    if (link.outcome !== 'needs_authorization' || !link.connection_id)
      throw new Error(`no link: ${JSON.stringify(link)}`);
    expect(
      (await consentOverHttp(link.redirect_url, { email: 'me@acme.example', decision: 'allow' })).status,
    ).toBe(200);
    const before = (await (await token(a)).json()) as TokenForIntegrationResponse;

    await postgres.stop();
    try {
      await expectUnavailable(await onA.listRaw());
      await expectUnavailable(await token(b));
      await expectUnavailable(await onA.plan(ACME));
      await expectUnavailable(await onB.apply(ACME, 1));
      expectBothAlive();
    } finally {
      await postgres.start();
    }

    expect((await onA.list()).integrations).toMatchObject([{ integration_type: 'acme', status: 'active' }]);
    const after = await token(b);
    expect(after.status).toBe(200);
    expect(((await after.json()) as TokenForIntegrationResponse).access_token).toBe(before.access_token);
    expectBothAlive();
  });

  it('answers only 200 or 503 to a stream of requests across a stop and start, and only 200 once PostgreSQL is back', async () => {
    const answers: { status: number | string; code?: string; sentAfterRestart: boolean }[] = [];
    let restarted = false;
    let running = true;
    const requests = [() => onA.listRaw(), () => token(b), () => onB.plan(ACME), () => token(a)];
    const load = requests.map(async (send) => {
      while (running) {
        const sentAfterRestart = restarted;
        try {
          const response = await send();
          const body = (await response.json()) as { code?: string };
          answers.push({ status: response.status, code: body.code, sentAfterRestart });
        } catch (error) {
          answers.push({ status: String(error), sentAfterRestart });
        }
      }
    });
    await sleep(300);
    await postgres.stop();
    await sleep(700);
    await postgres.start();
    restarted = true;
    await sleep(500);
    running = false;
    await Promise.all(load);

    const unexpected = answers.filter(
      (answer) =>
        !(answer.status === 200 || (answer.status === 503 && answer.code === 'database_unavailable')),
    );
    expect(unexpected).toEqual([]);
    expect(answers.filter((answer) => answer.status === 503).length).toBeGreaterThan(0);
    const afterRestart = answers.filter((answer) => answer.sentAfterRestart);
    expect(afterRestart.length).toBeGreaterThan(0);
    expect(afterRestart.filter((answer) => answer.status !== 200)).toEqual([]);
    expectBothAlive();
  });

  it('still wakes a long-poll on B, waiting across a PostgreSQL restart, when the callback lands on A', async () => {
    await onA.remove('acme');
    const applied = await onA.push(ACME);
    const link = applied.results[0]!;
    if (link.outcome !== 'needs_authorization' || !link.connection_id)
      throw new Error(`no link: ${JSON.stringify(link)}`);
    let answeredAt: number | undefined;
    const longPoll = onB.status('acme', link.connection_id, 25).then((status) => {
      answeredAt = Date.now();
      return status;
    });
    await sleep(300);

    await postgres.stop();
    await sleep(300);
    await postgres.start();
    const consent = await consentOverHttp(link.redirect_url, { email: 'me@acme.example', decision: 'allow' });
    const callbackDoneAt = Date.now();
    expect(consent.status).toBe(200);

    expect(await longPoll).toEqual({ status: 'ACTIVE' });
    // The wait was 25 s: an answer well before its end was a wake-up, not the wait running out.
    expect(answeredAt! - callbackDoneAt).toBeLessThan(10_000);
    expectBothAlive();
  });
});
