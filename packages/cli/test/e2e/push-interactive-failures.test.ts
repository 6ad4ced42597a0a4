import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, type Connector } from '../support/cli.js';
import { aPushSession, authorizationLinks, connectorStatuses } from '../support/push-session.js';
import {
  consentInSandbox,
  launchChromium,
  type SandboxServer,
  SERVER_MODES,
  startSandboxServer,
} from '../support/server.js';
import { URL_PLACEHOLDER, withoutUrls } from '../support/terminal.js';

// `base44 connectors push` (and `connectors initiate`) in a real terminal (tmux), NO_COLOR, no CI,
// against a real `base44-server start --sandbox`, where the person does not simply say Yes and
// allow: the provider denies, nobody finishes in time, no browser can be opened, the person
// comes back later, `--yes`. Each scenario checks the lines on screen (URLs replaced by a
// placeholder), the exit code (cli.md: 1 when any connector failed, 0 when applied and all
// authorized or left pending on purpose) and what the server holds afterwards.

const SLACK: Connector = { type: 'slack', scopes: ['chat:write'] };
const NOTION: Connector = { type: 'notion', scopes: ['read_content'] };

/** The head every push of one new slack connector prints, up to where the person is asked. */
const ONE_NEW_SLACK = [
  'Found 1 connector to push: slack',
  '✓ Connectors pushed',
  '',
  '1 connector requires authorization in your browser:',
  `  slack: ${URL_PLACEHOLDER}`,
  '',
];

// One Chromium for both servers: our own, and one answering as the Base44 cloud does.
let browser: Browser;
beforeAll(async () => {
  assertCliBuilt();
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(SERVER_MODES)(
  'base44 connectors push in a terminal, when authorization does not simply succeed (server: %s)',
  (mode) => {
    let server: SandboxServer;

    beforeAll(async () => {
      server = await startSandboxServer({ apps: 6, mode });
    });
    afterAll(() => server?.stop());

    /** The summary's last line: the app's page on this server (our dashboard, or the cloud's editor). */
    const dashboardLine = (appId: string) => `  Dashboard: ${server.dashboardUrl(appId)}`;

    const QUESTION = /^\? Open browser to authorize now\? › Yes$/m;

    it('(1) reports a denial at the provider as a failure: ✗ line, Failed with the reason the server gives, exit 1', async () => {
      const appId = server.appIds[0]!;
      const session = await aPushSession(server, appId, [SLACK]);
      const terminal = await session.inTerminal(['connectors', 'push']);
      const links = authorizationLinks(await terminal.waitFor(QUESTION, 15_000));
      await terminal.press('Enter');
      await session.browser.waitForOpened(1);
      expect(await session.browser.opened()).toEqual([links.get('slack')]);

      await consentInSandbox(browser, links.get('slack')!, { email: server.email, decision: 'deny' });
      const { code, lines } = await terminal.waitForExit(15_000);

      // The server's reason where it gives one; where it does not (the cloud), just that it failed.
      const reason = server.differences.denialReason('Slack');
      expect(withoutUrls(lines)).toEqual([
        ...ONE_NEW_SLACK,
        '? Open browser to authorize now? › Yes',
        '',
        'Opening browser for slack...',
        reason ? `✗ slack authorization failed: ${reason}` : '✗ slack authorization failed',
        '',
        'Summary:',
        `  Failed: slack (${reason ?? 'authorization failed'})`,
        `  Dashboard: ${URL_PLACEHOLDER}`,
      ]);
      expect(lines.at(-1)).toBe(dashboardLine(appId));
      expect(code).toBe(1);
      expect(await connectorStatuses(server, appId)).toEqual([
        { integration_type: 'slack', status: 'disconnected' },
      ]);
    });

    it('(2) gives up after --timeout seconds: ✗ timed out, Failed, exit 1, in seconds not minutes', async () => {
      const appId = server.appIds[1]!;
      const session = await aPushSession(server, appId, [SLACK]);
      const terminal = await session.inTerminal(['connectors', 'push', '--timeout', '3']);
      await terminal.waitFor(QUESTION, 15_000);
      const answered = Date.now();
      await terminal.press('Enter');
      const { code, lines } = await terminal.waitForExit(15_000);
      const waited = Date.now() - answered;

      expect(withoutUrls(lines)).toEqual([
        ...ONE_NEW_SLACK,
        '? Open browser to authorize now? › Yes',
        '',
        'Opening browser for slack...',
        '✗ slack authorization timed out',
        '',
        'Summary:',
        '  Failed: slack (authorization timed out)',
        `  Dashboard: ${URL_PLACEHOLDER}`,
      ]);
      expect(lines.at(-1)).toBe(dashboardLine(appId));
      expect(code).toBe(1);
      expect(waited).toBeGreaterThanOrEqual(2_900);
      expect(waited).toBeLessThan(8_000);
      expect(await session.browser.opened()).toHaveLength(1);
      expect(await connectorStatuses(server, appId)).toEqual([
        { integration_type: 'slack', status: 'disconnected' },
      ]);
    });

    it('(3) keeps waiting when no browser can be opened (BROWSER=false); the link on screen completes it', async () => {
      const appId = server.appIds[2]!;
      const session = await aPushSession(server, appId, [SLACK], { env: { BROWSER: 'false' } });
      const terminal = await session.inTerminal(['connectors', 'push']);
      const links = authorizationLinks(await terminal.waitFor(QUESTION, 15_000));
      await terminal.press('Enter');
      const screen = await terminal.waitFor(
        /^ {2}No browser could be opened for slack: open its link above\. Still waiting\.$/m,
        10_000,
      );
      expect(screen).not.toMatch(/\[command exited with/);

      // The person copies the link from the screen into a browser.
      await consentInSandbox(browser, links.get('slack')!, { email: server.email, decision: 'allow' });
      const { code, lines } = await terminal.waitForExit(15_000);

      expect(withoutUrls(lines)).toEqual([
        ...ONE_NEW_SLACK,
        '? Open browser to authorize now? › Yes',
        '',
        'Opening browser for slack...',
        '  No browser could be opened for slack: open its link above. Still waiting.',
        '✓ slack authorization complete',
        '',
        'Summary:',
        '  Added: slack',
        `  Dashboard: ${URL_PLACEHOLDER}`,
      ]);
      expect(lines.at(-1)).toBe(dashboardLine(appId));
      expect(code).toBe(0);
      expect(await session.browser.opened()).toEqual([]);
      expect(await connectorStatuses(server, appId)).toEqual([
        { integration_type: 'slack', status: 'active' },
      ]);
    });

    it('(4) a second push after skipping asks again with new links and Adds the pending connectors', async () => {
      const appId = server.appIds[3]!;
      const session = await aPushSession(server, appId, [SLACK, NOTION]);

      // First push: the person answers No.
      const first = await session.inTerminal(['connectors', 'push']);
      const firstLinks = authorizationLinks(await first.waitFor(QUESTION, 15_000));
      await first.press('n');
      const skipped = await first.waitForExit(15_000);
      expect(withoutUrls(skipped.lines)).toEqual([
        'Found 2 connectors to push: notion, slack',
        '✓ Connectors pushed',
        '',
        '2 connector(s) require authorization in your browser:',
        `  notion: ${URL_PLACEHOLDER}`,
        `  slack: ${URL_PLACEHOLDER}`,
        '',
        '? Open browser to authorize now? › No',
        '',
        "Authorization skipped. Pending: notion, slack. Run 'base44 connectors push' again to complete.",
        '',
        'Summary:',
        '  Failed: notion (authorization skipped), slack (authorization skipped)',
        `  Dashboard: ${URL_PLACEHOLDER}`,
      ]);
      expect(skipped.lines.at(-1)).toBe(dashboardLine(appId));
      expect(skipped.code).toBe(0);
      expect(await connectorStatuses(server, appId)).toEqual([
        { integration_type: 'notion', status: 'disconnected' },
        { integration_type: 'slack', status: 'disconnected' },
      ]);

      // "Run the command again": asked again, with links of their own, and both authorized.
      const second = await session.inTerminal(['connectors', 'push']);
      const secondLinks = authorizationLinks(await second.waitFor(QUESTION, 15_000));
      expect([...secondLinks.keys()]).toEqual(['notion', 'slack']);
      for (const type of ['notion', 'slack']) expect(secondLinks.get(type)).not.toBe(firstLinks.get(type));
      await second.press('Enter');
      await session.browser.waitForOpened(2);
      expect((await session.browser.opened()).sort()).toEqual([...secondLinks.values()].sort());
      for (const type of ['notion', 'slack']) {
        await consentInSandbox(browser, secondLinks.get(type)!, { email: server.email, decision: 'allow' });
        await second.waitFor(new RegExp(`^✓ ${type} authorization complete$`, 'm'), 10_000);
      }
      const completed = await second.waitForExit(15_000);

      expect(withoutUrls(completed.lines)).toEqual([
        'Found 2 connectors to push: notion, slack',
        '✓ Connectors pushed',
        '',
        '2 connector(s) require authorization in your browser:',
        `  notion: ${URL_PLACEHOLDER}`,
        `  slack: ${URL_PLACEHOLDER}`,
        '',
        '? Open browser to authorize now? › Yes',
        '',
        'Opening browser for notion...',
        'Opening browser for slack...',
        '✓ notion authorization complete',
        '✓ slack authorization complete',
        '',
        'Summary:',
        '  Added: notion, slack',
        `  Dashboard: ${URL_PLACEHOLDER}`,
      ]);
      expect(completed.lines.at(-1)).toBe(dashboardLine(appId));
      expect(completed.code).toBe(0);
      expect(await connectorStatuses(server, appId)).toEqual([
        { integration_type: 'notion', status: 'active' },
        { integration_type: 'slack', status: 'active' },
      ]);
    });

    it('(5) -y (--yes) opens the browser at once, without the question', async () => {
      const appId = server.appIds[4]!;
      const session = await aPushSession(server, appId, [SLACK]);
      const terminal = await session.inTerminal(['connectors', 'push', '-y']);
      const screen = await terminal.waitFor(/^Opening browser for slack\.\.\.$/m, 15_000);
      expect(screen).not.toMatch(/Open browser to authorize now/);
      await session.browser.waitForOpened(1);
      const link = authorizationLinks(screen).get('slack')!;
      expect(await session.browser.opened()).toEqual([link]);

      await consentInSandbox(browser, link, { email: server.email, decision: 'allow' });
      const { code, lines } = await terminal.waitForExit(15_000);

      expect(withoutUrls(lines)).toEqual([
        ...ONE_NEW_SLACK,
        // No question: "Opening" follows the blank line after the links directly.
        'Opening browser for slack...',
        '✓ slack authorization complete',
        '',
        'Summary:',
        '  Added: slack',
        `  Dashboard: ${URL_PLACEHOLDER}`,
      ]);
      expect(lines.at(-1)).toBe(dashboardLine(appId));
      expect(code).toBe(0);
      expect(await connectorStatuses(server, appId)).toEqual([
        { integration_type: 'slack', status: 'active' },
      ]);
    });

    it('(6) connectors initiate prints the link, opens the browser, and waits for the authorization', async () => {
      const appId = server.appIds[5]!;
      const session = await aPushSession(server, appId, []);
      const outside = join(session.dir, 'elsewhere');
      await mkdir(outside);
      const terminal = await session.inTerminal(
        [
          'connectors',
          'initiate',
          '--integration-type',
          'linear',
          '--scopes',
          'read,write',
          '--app-id',
          appId,
        ],
        outside,
      );
      const screen = await terminal.waitFor(/^Authorize linear here: https?:\/\/\S+$/m, 15_000);
      const link = /^Authorize linear here: (https?:\/\/\S+)$/m.exec(screen)![1]!;
      await session.browser.waitForOpened(1);
      expect(await session.browser.opened()).toEqual([link]);

      await consentInSandbox(browser, link, { email: server.email, decision: 'allow' });
      const { code, lines } = await terminal.waitForExit(15_000);

      expect(withoutUrls(lines)).toEqual([
        `Authorize linear here: ${URL_PLACEHOLDER}`,
        '✓ linear authorization complete',
      ]);
      expect(code).toBe(0);
      const { integrations } = await server.connectors(appId).list();
      expect(
        integrations.map(({ integration_type, status, scopes }) => ({ integration_type, status, scopes })),
      ).toEqual([{ integration_type: 'linear', status: 'active', scopes: ['read', 'write'] }]);
    });
  },
);
