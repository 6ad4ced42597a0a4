import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  aConnectorProject,
  aFakeBrowser,
  assertCliBuilt,
  CLI_BIN,
  type Connector,
  cliEnvironment,
  type FakeBrowser,
  runCli,
} from '../support/cli.js';
import {
  authorizeInSandbox,
  consentInSandbox,
  launchChromium,
  type SandboxServer,
  SERVER_MODES,
  startSandboxServer,
} from '../support/server.js';
import { aTempDir } from '../support/temp.js';
import { pollUntil, Terminal, URL_PLACEHOLDER, withoutUrls } from '../support/terminal.js';

// Each example of the spec (shared/spec/connectors-push.md, "Example Output" and the sections after
// it), run with our CLI against a real `base44-server start --sandbox`, and compared line by line
// with the spec's text, every URL replaced by a placeholder on both sides.
//
// The expected lines are copied from the spec. Where our output deliberately differs, the line
// says so, with the reason:
//   (a) cli.md: "print them as written there (with correct singular/plural)".
//   (b) types are listed alphabetically (files are read in name order; the server answers in type order).
//   (c) cli.md: "All authorizations of one push are opened together and awaited together; each
//       completion is reported the moment the server knows it": every "Opening browser" line comes
//       first, then each "authorization complete" line as it happens (the spec interleaves them).
//   (d) the spec's "Summary Status Meanings": Failed covers "timed out, failed, or was skipped",
//       so a connector left pending is listed under Failed with the reason.

const DASHBOARD = `  Dashboard: ${URL_PLACEHOLDER}`;

const GOOGLECALENDAR: Connector = {
  type: 'googlecalendar',
  scopes: ['https://www.googleapis.com/auth/calendar.readonly'],
};
const SLACK: Connector = { type: 'slack', scopes: ['chat:write'] };
const NOTION: Connector = { type: 'notion', scopes: ['read_content'] };

// "Example Output › Pushing connectors (no new authorization needed)": as in the spec.
const NO_NEW_AUTHORIZATION = [
  'Found 2 connectors to push: googlecalendar, slack',
  '✓ Connectors pushed',
  '',
  'Summary:',
  '  Synced: googlecalendar, slack',
  DASHBOARD, // (e) issue 5: push ends its summary with the app's dashboard URL
];

// "Example Output › Pushing new connectors (authorization required)", up to its question.
const NEW_CONNECTORS_HEAD = [
  'Found 3 connectors to push: googlecalendar, notion, slack', // (b) spec: "googlecalendar, slack, notion"
  '✓ Connectors pushed',
  '',
  '2 connector(s) require authorization in your browser:',
  '  notion: https://auth.base44.io/oauth/...', // (b) the spec lists slack first
  '  slack: https://auth.base44.io/oauth/...',
  '',
];

// "Example Output › Pushing new connectors (authorization required)", the person answering Yes.
const NEW_CONNECTORS = [
  ...NEW_CONNECTORS_HEAD,
  '? Open browser to authorize now? › Yes',
  '',
  // (b) and (c): the spec has "Opening browser for slack..." / "✓ slack authorization complete" /
  // "" / "Opening browser for notion..." / "✓ notion authorization complete". The person
  // completes slack first, then notion.
  'Opening browser for notion...',
  'Opening browser for slack...',
  '✓ slack authorization complete',
  '✓ notion authorization complete',
  '',
  'Summary:',
  '  Synced: googlecalendar',
  '  Added: notion, slack', // (b) spec: "Added: slack, notion"
  DASHBOARD, // (e) issue 5: push ends its summary with the app's dashboard URL
];

// "Example Output › Removing connectors".
const REMOVAL = [
  'Found 1 connector to push: googlecalendar', // (a) spec: "Found 1 connectors to push"
  '✓ Connectors pushed',
  '',
  'Summary:',
  '  Synced: googlecalendar',
  '  Removed: slack',
  DASHBOARD, // (e) issue 5: push ends its summary with the app's dashboard URL
];

// "CI/CD Environments": the spec shows only its one line; around it, the lines of the example it
// follows ("open the links above"), the same push of new connectors, in a session with no TTY.
const NON_INTERACTIVE = [
  ...NEW_CONNECTORS_HEAD,
  "Skipped OAuth in non-interactive mode. Run 'base44 connectors push' locally or open the links above to authorize.",
  '',
  'Summary:',
  '  Synced: googlecalendar',
  // (d), with the reason the CLI gives when nobody could be asked.
  '  Failed: notion (authorization skipped: not interactive), slack (authorization skipped: not interactive)',
  DASHBOARD, // (e) issue 5: push ends its summary with the app's dashboard URL
];

// "Skipping Authorization": the spec's block from the question on; before it, the same push of new
// connectors, the person answering No.
const SKIPPED = [
  ...NEW_CONNECTORS_HEAD,
  '? Open browser to authorize now? › No',
  '',
  "Authorization skipped. Pending: notion, slack. Run 'base44 connectors push' again to complete.", // (b) spec: "slack, notion"
  '',
  'Summary:',
  '  Synced: googlecalendar',
  '  Failed: notion (authorization skipped), slack (authorization skipped)', // (d)
  DASHBOARD, // (e) issue 5: push ends its summary with the app's dashboard URL
];

const linesOf = (text: string) => text.replace(/\n$/, '').split('\n');

// One Chromium for both servers: our own, and one answering as the Base44 cloud does (where the
// Dashboard line links elsewhere: a URL, so a placeholder here like every other).
let browser: Browser;
beforeAll(async () => {
  assertCliBuilt();
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(SERVER_MODES)(
  'base44 connectors push, against base44-server --sandbox, prints the examples of connectors-push.md (server: %s)',
  (mode) => {
    let server: SandboxServer;

    beforeAll(async () => {
      server = await startSandboxServer({ apps: 5, mode });
    });
    afterAll(() => server?.stop());

    /** The lines the spec's example has, URLs aside; the last one links to the app's page of this server. */
    function expectTranscript(lines: string[], expected: string[], appId: string): void {
      expect(withoutUrls(lines)).toEqual(withoutUrls(expected));
      expect(lines.at(-1)).toBe(`  Dashboard: ${server.dashboardUrl(appId)}`);
    }

    /** The app's connectors authorized beforehand, the way a person does it in the browser. */
    async function alreadyAuthorized(appId: string, connectors: Connector[]): Promise<void> {
      for (const connector of connectors)
        await authorizeInSandbox(browser, server.connectors(appId), connector, server.email);
    }

    interface Session {
      dir: string;
      project: string;
      browser: FakeBrowser;
      env: Record<string, string>;
    }

    /** A project with these connector files in a scratch directory, and the CLI's environment for it. */
    async function aSession(appId: string, connectors: Connector[]): Promise<Session> {
      const dir = await aTempDir('base44-push-e2e-');
      const project = await aConnectorProject(join(dir, 'project'), appId, connectors);
      const fakeBrowser = await aFakeBrowser(dir);
      const env = cliEnvironment({
        HOME: join(dir, 'home'),
        NO_COLOR: '1',
        BASE44_API_URL: server.url,
        BASE44_API_KEY: server.apiKey,
        BROWSER: fakeBrowser.command,
      });
      return { dir, project, browser: fakeBrowser, env };
    }

    /** `base44 connectors push` in a real terminal, in the session's project. */
    async function pushInTerminal(session: Session): Promise<Terminal> {
      const terminal = await Terminal.start({
        command: [process.execPath, CLI_BIN, 'connectors', 'push'],
        cwd: session.project,
        env: session.env,
        dir: session.dir,
      });
      onTestFinished(() => terminal.kill());
      return terminal;
    }

    /** The `  type: url` lines the CLI printed, by type. */
    function authorizationLinks(screen: string): Map<string, string> {
      return new Map(
        [...screen.matchAll(/^ {2}(\w+): (https?:\/\/\S+)$/gm)].map(([, type, url]) => [type!, url!]),
      );
    }

    it('(1) pushes connectors that are all authorized already: Synced, no question asked', async () => {
      const appId = server.appIds[0]!;
      await alreadyAuthorized(appId, [GOOGLECALENDAR, SLACK]);
      const session = await aSession(appId, [GOOGLECALENDAR, SLACK]);

      const { code, lines } = await (await pushInTerminal(session)).waitForExit(15_000);

      expectTranscript(lines, NO_NEW_AUTHORIZATION, appId);
      expect(code).toBe(0);
      expect(await session.browser.opened()).toEqual([]);
    });

    it('(2) asks, opens both links, reports each authorization as the person completes it, and Adds them', async () => {
      const appId = server.appIds[1]!;
      await alreadyAuthorized(appId, [GOOGLECALENDAR]);
      const session = await aSession(appId, [GOOGLECALENDAR, SLACK, NOTION]);

      const terminal = await pushInTerminal(session);
      const question = await terminal.waitFor(/^\? Open browser to authorize now\? › Yes$/m, 15_000);
      const links = authorizationLinks(question);
      await terminal.press('Enter');
      await pollUntil(
        async () => (await session.browser.opened()).length >= 2,
        10_000,
        () => 'the CLI to open two links in the browser',
      );
      expect((await session.browser.opened()).sort()).toEqual([...links.values()].sort());

      // The person signs in and allows slack, then notion, each in the tab the CLI opened.
      for (const type of ['slack', 'notion']) {
        await consentInSandbox(browser, links.get(type)!, { email: server.email, decision: 'allow' });
        await terminal.waitFor(new RegExp(`^✓ ${type} authorization complete$`, 'm'), 10_000);
      }
      const { code, lines } = await terminal.waitForExit(15_000);

      expectTranscript(lines, NEW_CONNECTORS, appId);
      expect(code).toBe(0);
      const { integrations } = await server.connectors(appId).list();
      expect(integrations.map(({ integration_type, status }) => ({ integration_type, status }))).toEqual([
        { integration_type: 'googlecalendar', status: 'active' },
        { integration_type: 'notion', status: 'active' },
        { integration_type: 'slack', status: 'active' },
      ]);
    });

    it('(3) removes a connector whose file was deleted: Synced and Removed', async () => {
      const appId = server.appIds[2]!;
      await alreadyAuthorized(appId, [GOOGLECALENDAR, SLACK]);
      const session = await aSession(appId, [GOOGLECALENDAR]);

      const { code, lines } = await (await pushInTerminal(session)).waitForExit(15_000);

      expectTranscript(lines, REMOVAL, appId);
      expect(code).toBe(0);
      const { integrations } = await server.connectors(appId).list();
      expect(integrations.map((integration) => integration.integration_type)).toEqual(['googlecalendar']);
    });

    it('(4) without a TTY skips OAuth with the CI line, opens no browser and waits for nobody', async () => {
      const appId = server.appIds[3]!;
      await alreadyAuthorized(appId, [GOOGLECALENDAR]);
      const session = await aSession(appId, [GOOGLECALENDAR, SLACK, NOTION]);

      const result = await runCli(['connectors', 'push'], {
        cwd: session.project,
        env: session.env,
        timeoutMs: 15_000,
      });

      expectTranscript(linesOf(result.stdout), NON_INTERACTIVE, appId);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(await session.browser.opened()).toEqual([]);
    });

    it('(5) leaves the connectors pending when the person answers No', async () => {
      const appId = server.appIds[4]!;
      await alreadyAuthorized(appId, [GOOGLECALENDAR]);
      const session = await aSession(appId, [GOOGLECALENDAR, SLACK, NOTION]);

      const terminal = await pushInTerminal(session);
      await terminal.waitFor(/^\? Open browser to authorize now\? › Yes$/m, 15_000);
      await terminal.press('n');
      const { code, lines } = await terminal.waitForExit(15_000);

      expectTranscript(lines, SKIPPED, appId);
      expect(code).toBe(0);
      expect(await session.browser.opened()).toEqual([]);
    });
  },
);
