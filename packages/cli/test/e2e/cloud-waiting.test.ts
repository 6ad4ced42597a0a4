import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { assertCliBuilt, type Connector } from '../support/cli.js';
import { type InterferingProxy, type OwnAnswer, startProxy } from '../support/interfering-proxy.js';
import { aPushSession, authorizationLinks, connectorStatuses } from '../support/push-session.js';
import { consentOverHttp, type SandboxServer, startSandboxServer } from '../support/server.js';

// Waiting for consent against a server that answers `status` at once (the Base44 cloud, played by
// `base44-server --public-api-only`): the CLI asks every 2 s (plus jitter), never faster; a 429
// slows it down for as long as Retry-After says; a link without a connection_id is followed
// through the list; and the wait ends at --timeout.

const SLACK: Connector = { type: 'slack', scopes: ['chat:write'] };
const NOTION: Connector = { type: 'notion', scopes: [] };

describe('base44 connectors push waiting for consent on a public-API-only server', () => {
  let server: SandboxServer;

  beforeAll(async () => {
    assertCliBuilt();
    server = await startSandboxServer({ apps: 4, mode: 'public-api-only' });
  });
  afterAll(() => server?.stop());

  async function proxy(answer?: (request: { method: string; path: string }) => OwnAnswer | undefined) {
    const running = await startProxy(server.url, answer ? { answer } : {});
    onTestFinished(() => running.close());
    return running;
  }

  async function allow(link: string | undefined): Promise<void> {
    const consent = await consentOverHttp(link!, { email: server.email, decision: 'allow' });
    expect(consent.status, consent.text).toBe(200);
  }

  /** When each status request for `type` arrived. */
  const statusTimes = (front: InterferingProxy, type: string) =>
    front.requests
      .filter(
        (request) => request.path.includes('/external-auth/status') && request.path.includes(`=${type}&`),
      )
      .map((request) => request.at);

  const gaps = (times: number[]) => times.slice(1).map((time, index) => time - times[index]!);

  it('asks about each pending connector every 2 s or more, at most 0.5 times a second, and reports each completion', async () => {
    const appId = server.appIds[0]!;
    const front = await proxy();
    const session = await aPushSession(server, appId, [SLACK, NOTION], { apiUrl: front.url });
    const push = await session.inTerminal(['connectors', 'push', '--yes']);
    const links = authorizationLinks(await push.waitFor(/^Opening browser for slack\.\.\.$/m, 15_000));
    const waitingSince = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 5000));
    await allow(links.get('notion'));
    await push.waitFor(/^✓ notion authorization complete$/m, 6000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await allow(links.get('slack'));
    const done = await push.waitForExit(10_000);
    const waitedMs = Date.now() - waitingSince;

    expect(done.code).toBe(0);
    expect(done.lines).toContain('  Added: notion, slack');
    for (const type of ['slack', 'notion']) {
      const times = statusTimes(front, type);
      expect(times.length).toBeGreaterThanOrEqual(2);
      expect(times.length).toBeLessThanOrEqual(Math.ceil(waitedMs / 2000) + 1);
      // The proxy notes arrival times to the millisecond; the CLI waits at least 2 s in between.
      expect(Math.min(...gaps(times))).toBeGreaterThanOrEqual(1990);
    }
    expect(await connectorStatuses(server, appId)).toEqual([
      { integration_type: 'notion', status: 'active' },
      { integration_type: 'slack', status: 'active' },
    ]);
  }, 60_000);

  it('waits as long as Retry-After says after a 429, and goes on waiting instead of giving up', async () => {
    const appId = server.appIds[1]!;
    let refused = 0;
    const front = await proxy(({ path }) =>
      path.includes('/external-auth/status') && refused++ < 2
        ? { status: 429, json: { detail: 'Too many requests' }, headers: { 'retry-after': '4' } }
        : undefined,
    );
    const session = await aPushSession(server, appId, [SLACK], { apiUrl: front.url });
    const push = await session.inTerminal(['connectors', 'push', '--yes']);
    const links = authorizationLinks(await push.waitFor(/^Opening browser for slack\.\.\.$/m, 15_000));
    await allow(links.get('slack'));
    const done = await push.waitForExit(20_000);

    expect(done.code).toBe(0);
    expect(done.lines).toContain('✓ slack authorization complete');
    const times = statusTimes(front, 'slack');
    expect(times).toHaveLength(3);
    for (const gap of gaps(times)) expect(gap).toBeGreaterThanOrEqual(3990);
  }, 60_000);

  it('follows a link that came without a connection_id through the list until the connector is active', async () => {
    const appId = server.appIds[2]!;
    // The cloud may answer a PUT with `redirect_url` and `connection_id: null`.
    const front = await startProxy(server.url, {
      rewrite: ({ method }, body) => (method === 'PUT' ? { ...(body as object), connection_id: null } : body),
    });
    onTestFinished(() => front.close());
    const session = await aPushSession(server, appId, [SLACK], { apiUrl: front.url });
    const push = await session.inTerminal(['connectors', 'push', '--yes']);
    const links = authorizationLinks(await push.waitFor(/^Opening browser for slack\.\.\.$/m, 15_000));
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await allow(links.get('slack'));
    const done = await push.waitForExit(15_000);

    expect(done.code).toBe(0);
    expect(done.lines).toContain('✓ slack authorization complete');
    expect(done.lines).toContain('  Added: slack');
    expect(front.requests.some((request) => request.path.includes('/external-auth/status'))).toBe(false);
    const lists = front.requests.filter((request) => request.path.endsWith('/external-auth/list'));
    expect(lists.length).toBeGreaterThanOrEqual(2);
    expect(Math.min(...gaps(lists.map((request) => request.at)))).toBeGreaterThanOrEqual(1990);
  }, 60_000);

  it('ends the wait at --timeout with the connector’s Failed line', async () => {
    const appId = server.appIds[3]!;
    const front = await proxy();
    const session = await aPushSession(server, appId, [SLACK], { apiUrl: front.url });
    const started = Date.now();
    const push = await session.inTerminal(['connectors', 'push', '--yes', '--timeout', '3']);
    const done = await push.waitForExit(15_000);
    expect(done.code).toBe(1);
    expect(done.lines).toContain('✗ slack authorization timed out');
    expect(done.lines).toContain('  Failed: slack (authorization timed out)');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(statusTimes(front, 'slack').length).toBeLessThanOrEqual(3);
  }, 60_000);
});
