import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startInterferingProxy } from '../support/interfering-proxy.js';
import { base44, type CliSettings } from '../support/run.js';
import {
  authorizeInSandbox,
  launchChromium,
  type SandboxServer,
  SERVER_MODES,
  startSandboxServer,
} from '../support/server.js';
import { aProject, aTempDir, connectorJson } from '../support/temp.js';

const SLACK_SCOPES = ['channels:read', 'chat:write'];
const SANDBOX_ACCOUNT = 'alice@slack.example';

// One Chromium for both servers: our own, and one answering as the Base44 cloud does.
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(SERVER_MODES)('connectors push without a terminal, applied (server: %s)', (mode) => {
  let server: SandboxServer;

  beforeAll(async () => {
    server = await startSandboxServer({ apps: 4, mode });
  });
  afterAll(() => server?.stop());

  async function project(appId: string, connectors: Record<string, string>) {
    const settings: CliSettings = {
      home: await aTempDir('base44-cli-home-'),
      apiUrl: server.url,
      apiKey: server.apiKey,
    };
    const { root } = await aProject(await aTempDir(), { appId, connectors });
    return { settings, root };
  }

  const typesOf = async (appId: string) =>
    (await server.connectors(appId).list()).integrations
      .map((connector) => connector.integration_type)
      .sort();

  it('adds and removes, lists the links, skips OAuth with the seed’s message, and exits 0', async () => {
    const appId = server.appIds[0]!;
    await server.connectors(appId).put('github', ['repo']);
    const { settings, root } = await project(appId, { 'slack.jsonc': connectorJson('slack', SLACK_SCOPES) });

    const result = await base44(settings, root, ['connectors', 'push']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'Found 1 connector to push: slack',
      '✓ Connectors pushed',
      '',
      '1 connector requires authorization in your browser:',
      expect.stringMatching(new RegExp(`^ {2}slack: ${server.url}/oauth/start/\\S+$`)),
    ]);
    expect(lines.slice(5)).toEqual([
      '',
      "Skipped OAuth in non-interactive mode. Run 'base44 connectors push' locally or open the links above to authorize.",
      '',
      'Summary:',
      '  Removed: github',
      '  Failed: slack (authorization skipped: not interactive)',
      `  Dashboard: ${server.dashboardUrl(appId)}`,
      '',
    ]);
    const { integrations } = await server.connectors(appId).list();
    expect(integrations).toEqual([
      expect.objectContaining({ integration_type: 'slack', scopes: SLACK_SCOPES }),
    ]);
  });

  it('--json writes exactly one JSON document on stdout, and every other line on stderr', async () => {
    const appId = server.appIds[1]!;
    await server.connectors(appId).put('github', ['repo']);
    const { settings, root } = await project(appId, {
      'slack.jsonc': connectorJson('slack', SLACK_SCOPES),
      'notion.jsonc': connectorJson('notion'),
    });

    const result = await base44(settings, root, ['connectors', 'push', '--json']);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document).toMatchObject({
      app_id: appId,
      dry_run: false,
      exit_code: 0,
      summary: {
        synced: [],
        added: [],
        removed: ['github'],
        failed: [
          { type: 'notion', reason: 'authorization skipped: not interactive' },
          { type: 'slack', reason: 'authorization skipped: not interactive' },
        ],
      },
    });
    expect(document.results).toEqual(
      expect.arrayContaining([
        { type: 'github', outcome: 'removed', revoked: false },
        expect.objectContaining({ type: 'slack', outcome: 'needs_authorization' }),
        expect.objectContaining({ type: 'notion', outcome: 'needs_authorization' }),
      ]),
    );
    expect(result.stderr).toContain('Found 2 connectors to push: notion, slack');
    expect(result.stderr).toContain('Skipped OAuth in non-interactive mode.');
    expect(result.stderr).toContain('  Removed: github');
    expect(await typesOf(appId)).toEqual(['notion', 'slack']);
  });

  it('with an authorized connector: dry-run exits 0, push syncs narrower scopes without new consent', async () => {
    const appId = server.appIds[2]!;
    const api = server.connectors(appId);
    await authorizeInSandbox(browser, api, { type: 'slack', scopes: SLACK_SCOPES }, SANDBOX_ACCOUNT);
    const { settings, root } = await project(appId, { 'slack.jsonc': connectorJson('slack', SLACK_SCOPES) });

    const dryRun = await base44(settings, root, ['connectors', 'push', '--dry-run']);
    expect(dryRun).toMatchObject({
      code: 0,
      stderr: '',
      stdout: 'Found 1 connector to push: slack\nNo changes: the app already matches your connector files.\n',
    });

    const push = await base44(settings, root, ['connectors', 'push']);
    expect(push).toMatchObject({
      code: 0,
      stderr: '',
      stdout: `Found 1 connector to push: slack\n✓ Connectors pushed\n\nSummary:\n  Synced: slack\n  Dashboard: ${server.dashboardUrl(appId)}\n`,
    });

    const status = await base44(settings, root, ['connectors', 'status', '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      app_id: appId,
      actions: [{ action: 'keep', type: 'slack', status: 'active' }],
      connectors: [{ integration_type: 'slack', status: 'active', user_email: SANDBOX_ACCOUNT }],
    });

    const narrower = await project(appId, { 'slack.jsonc': connectorJson('slack', ['chat:write']) });
    const plan = await base44(narrower.settings, narrower.root, ['connectors', 'push', '--dry-run']);
    expect(plan.code).toBe(3);
    expect(plan.stdout).toContain('~ slack scopes -channels:read');
    const applied = await base44(narrower.settings, narrower.root, ['connectors', 'push']);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('  Synced: slack');
    expect(applied.stdout).not.toContain('require authorization');
    expect((await api.list()).integrations).toEqual([
      expect.objectContaining({ integration_type: 'slack', status: 'active', scopes: ['chat:write'] }),
    ]);
  });

  // Only where `apply` exists: the public API has no revision for the app, so nothing to refuse a stale plan with.
  if (mode === 'ours')
    it('when someone else changes the app between plan and apply, prints the conflict, plans again and applies (ours only: needs apply)', async () => {
      const appId = server.appIds[3]!;

      let applies = 0;
      const proxy = await startInterferingProxy(
        server.url,
        ({ method, path }) => method === 'POST' && path.endsWith('/external-auth/apply') && ++applies === 1,
        async () => {
          await server.connectors(appId).put('github', ['repo']);
        },
      );
      onTestFinished(() => proxy.close());
      const { settings, root } = await project(appId, {
        'slack.jsonc': connectorJson('slack', SLACK_SCOPES),
        'notion.jsonc': connectorJson('notion'),
      });

      const result = await base44({ ...settings, apiUrl: proxy.url }, root, ['connectors', 'push']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(
        "The app's connectors changed since you planned (revision 0, now 1): plan again. " +
          "Planning again from the app's connectors as they are now.",
      );
      expect(result.stdout).toContain('✓ Connectors pushed');
      expect(result.stdout).toContain('  Removed: github');
      const calls = proxy.requests
        .filter((request) => request.method === 'POST')
        .map((request) => `${request.path.split('/').at(-1)} ${request.status}`);
      expect(calls).toEqual(['plan 200', 'apply 409', 'plan 200', 'apply 200']);
      expect(await typesOf(appId)).toEqual(['notion', 'slack']);
    });
});
