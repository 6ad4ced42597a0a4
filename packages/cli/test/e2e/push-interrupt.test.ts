import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, type Connector } from '../support/cli.js';
import { type InterferingProxy, startInterferingProxy } from '../support/interfering-proxy.js';
import { aPushSession, authorizationLinks, connectorStatuses } from '../support/push-session.js';
import { consentOverHttp, type SandboxServer, SERVER_MODES, startSandboxServer } from '../support/server.js';
import { pollUntil, URL_PLACEHOLDER, withoutUrls } from '../support/terminal.js';

// `base44 connectors push` in a real terminal (tmux) against `base44-server start --sandbox`,
// interrupted with Ctrl-C: while the apply request is on its way, and while it waits for the
// authorizations, and at the question before it. The CLI says in a last line what the server holds and ends as interrupted
// (exit status 130, at once); the server holds the push whole, never half of it; and the next
// push picks up every connector still pending. Against our server and one answering as the
// Base44 cloud does (which has no apply: there the push is its PUTs, and all of them are sent).

const SLACK: Connector = { type: 'slack', scopes: ['chat:write'] };
const NOTION: Connector = { type: 'notion', scopes: ['read_content'] };
const INTERRUPTED = 130;

describe.each(SERVER_MODES)('base44 connectors push interrupted with Ctrl-C (server: %s)', (mode) => {
  let server: SandboxServer;

  beforeAll(async () => {
    assertCliBuilt();
    server = await startSandboxServer({ apps: 3, mode });
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
    expect(completed.lines.at(-1)).toBe(`  Dashboard: ${server.dashboardUrl(appId)}`);
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
    // The push's changes travel in one apply on our server, in a PUT per connector on the cloud:
    // all of them held, so Ctrl-C comes once the whole push is on its way.
    const { isApplyRequest, applyRequestCount } = server.differences;
    const applyRequests = applyRequestCount(2);
    let arrived = 0;
    const proxy: InterferingProxy = await startInterferingProxy(server.url, isApplyRequest, async () => {
      if (++arrived === applyRequests) held();
      await released;
    });
    const applied = () => proxy.requests.filter(isApplyRequest);
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

      // The requests were already sent: the server applies them, whole, though nobody waits for the answers.
      release();
      await pollUntil(
        async () => applied().length === applyRequests,
        10_000,
        () => 'the held apply requests to reach the server',
      );
      expect(applied().map((request) => request.status)).toEqual(Array(applyRequests).fill(200));
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
      expect(completed.lines.at(-1)).toBe(`  Dashboard: ${server.dashboardUrl(appId)}`);
      expect(completed.code).toBe(0);
    } finally {
      release();
      await proxy.close();
    }
  });

  it('(3) at the question: one line naming what is pending, exits 130, opens nothing; the next push asks again', async () => {
    const appId = server.appIds[2]!;
    const session = await aPushSession(server, appId, [SLACK, NOTION]);
    const first = await session.inTerminal(['connectors', 'push']);
    await first.waitFor(/^\? Open browser to authorize now\? › Yes$/m, 15_000);
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
      '? Open browser to authorize now? › Yes',
      "Interrupted. Pending: notion, slack. Run 'base44 connectors push' again to complete.",
    ]);
    expect(interrupted.code).toBe(INTERRUPTED);
    expect(await session.browser.opened()).toEqual([]);

    const second = await session.inTerminal(['connectors', 'push']);
    await second.waitFor(/^\? Open browser to authorize now\? › Yes$/m, 15_000);
    await second.press('n');
    expect((await second.waitForExit(10_000)).code).toBe(0);
  });
});
