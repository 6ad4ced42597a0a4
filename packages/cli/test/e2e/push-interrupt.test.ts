import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, type Connector } from '../support/cli.js';
import { type InterferingProxy, startInterferingProxy } from '../support/interfering-proxy.js';
import { aPushSession, authorizationLinks, connectorStatuses } from '../support/push-session.js';
import { consentOverHttp, type SandboxServer, startSandboxServer } from '../support/server.js';
import { pollUntil, URL_PLACEHOLDER, withoutUrls } from '../support/terminal.js';

// `base44 connectors push` in a real terminal (tmux) against `base44-server start --sandbox`,
// interrupted with Ctrl-C: while the apply request is on its way, and while it waits for the
// authorizations. The CLI says in a last line what the server holds and ends as interrupted
// (exit status 130, at once); the server holds the push whole, never half of it; and the next
// push picks up every connector still pending.

const SLACK: Connector = { type: 'slack', scopes: ['chat:write'] };
const NOTION: Connector = { type: 'notion', scopes: ['read_content'] };
const INTERRUPTED = 130;

describe('base44 connectors push interrupted with Ctrl-C', () => {
  let server: SandboxServer;

  beforeAll(async () => {
    assertCliBuilt();
    server = await startSandboxServer({ apps: 2 });
  });
  afterAll(() => server?.stop());

  async function allow(link: string | undefined): Promise<void> {
    const consent = await consentOverHttp(link!, { email: server.email, decision: 'allow' });
    expect(consent.status, consent.text).toBe(200);
  }

  it('(1) while waiting for authorizations: names what is still pending, exits 130; the next push asks only for that one', async () => {
    const appId = server.appIds[0]!;
    const session = await aPushSession(server, appId, [SLACK, NOTION]);
    const first = await session.inTerminal(['connectors', 'push', '-y']);
    const links = authorizationLinks(await first.waitFor(/^Opening browser for slack\.\.\.$/m, 15_000));
    await allow(links.get('slack'));
    await first.waitFor(/^✓ slack authorization complete$/m, 10_000);
    await first.press('C-c');
    const interrupted = await first.waitForExit(10_000);

    expect(withoutUrls(interrupted.lines)).toEqual([
      'Found 2 connectors to push: notion, slack',
      '✓ Connectors pushed',
      '',
      '2 connector(s) require authorization in your browser:',
      `  notion: ${URL_PLACEHOLDER}`,
      `  slack: ${URL_PLACEHOLDER}`,
      '',
      'Opening browser for notion...',
      'Opening browser for slack...',
      '✓ slack authorization complete',
      '^C',
      "Interrupted. Pending: notion. Run 'base44 connectors push' again to complete.",
    ]);
    expect(interrupted.code).toBe(INTERRUPTED);
    expect(await connectorStatuses(server, appId)).toEqual([
      { integration_type: 'notion', status: 'disconnected' },
      { integration_type: 'slack', status: 'active' },
    ]);

    const second = await session.inTerminal(['connectors', 'push', '-y']);
    const again = authorizationLinks(await second.waitFor(/^Opening browser for notion\.\.\.$/m, 15_000));
    expect([...again.keys()]).toEqual(['notion']);
    await allow(again.get('notion'));
    const completed = await second.waitForExit(15_000);
    expect(withoutUrls(completed.lines).slice(-6)).toEqual([
      '✓ notion authorization complete',
      '',
      'Summary:',
      '  Synced: slack',
      '  Added: notion',
      `  Dashboard: ${URL_PLACEHOLDER}`,
    ]);
    expect(completed.code).toBe(0);
    expect(await connectorStatuses(server, appId)).toEqual([
      { integration_type: 'notion', status: 'active' },
      { integration_type: 'slack', status: 'active' },
    ]);
  });

  it('(2) while the apply is on its way: says so, exits 130; the server holds the whole push, and the next push authorizes all of it', async () => {
    const appId = server.appIds[1]!;
    let held: () => void = () => {};
    const applyHeld = new Promise<void>((resolve) => {
      held = resolve;
    });
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const proxy: InterferingProxy = await startInterferingProxy(
      server.url,
      ({ method, path }) => method === 'POST' && path.endsWith('/external-auth/apply'),
      async () => {
        held();
        await released;
      },
    );
    try {
      const session = await aPushSession(server, appId, [SLACK, NOTION], { apiUrl: proxy.url });
      const first = await session.inTerminal(['connectors', 'push', '-y']);
      await applyHeld;
      await first.press('C-c');
      const interrupted = await first.waitForExit(10_000);
      expect(interrupted.lines).toEqual([
        'Found 2 connectors to push: notion, slack',
        '^C',
        "Interrupted while the push was being applied. Run 'base44 connectors push' again: it starts from what the server holds.",
      ]);
      expect(interrupted.code).toBe(INTERRUPTED);

      // The request was already sent: the server applies it, whole, though nobody waits for the answer.
      release();
      await pollUntil(
        async () => proxy.requests.some((request) => request.path.endsWith('/apply')),
        10_000,
        () => 'the held apply to reach the server',
      );
      expect(proxy.requests.find((request) => request.path.endsWith('/apply'))?.status).toBe(200);
      expect(await connectorStatuses(server, appId)).toEqual([
        { integration_type: 'notion', status: 'disconnected' },
        { integration_type: 'slack', status: 'disconnected' },
      ]);

      const direct = await aPushSession(server, appId, [SLACK, NOTION]);
      const second = await direct.inTerminal(['connectors', 'push', '-y']);
      const links = authorizationLinks(await second.waitFor(/^Opening browser for slack\.\.\.$/m, 15_000));
      expect([...links.keys()]).toEqual(['notion', 'slack']);
      for (const type of ['notion', 'slack']) await allow(links.get(type));
      const completed = await second.waitForExit(15_000);
      expect(withoutUrls(completed.lines).slice(-3)).toEqual([
        'Summary:',
        '  Added: notion, slack',
        `  Dashboard: ${URL_PLACEHOLDER}`,
      ]);
      expect(completed.code).toBe(0);
    } finally {
      release();
      await proxy.close();
    }
  });
});
