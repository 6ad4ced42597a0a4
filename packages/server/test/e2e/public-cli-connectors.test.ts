import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AvailableIntegrationsResponse } from '@base44-connectors/contract';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../support/accounts.js';
import { launchChromium } from '../support/chromium.js';
import { ConnectorApi } from '../support/connectors.js';
import {
  createTestDatabase,
  type DatabaseKind,
  storageFlags,
  type TestDatabase,
} from '../support/databases.js';
import { publicCliEntry } from '../support/public-cli.js';
import { PublicCliProject, type PublicCliSession, runPublicCliIn } from '../support/public-cli-project.js';
import { consentInSandbox } from '../support/sandbox-consent.js';
import { freePort } from '../support/server.js';
import {
  runServerCommand,
  SERVER_BIN,
  type ServerProcess,
  startServerProcess,
} from '../support/server-process.js';

const EMAIL = 'alice@example.com';
const SLACK_ACCOUNT = 'alice@slack.example';

// PostgreSQL is covered by the integration tests; to run this test on it too, add 'postgres' here.
const KINDS: DatabaseKind[] = ['sqlite'];

/** The authorization links the public CLI prints, one `  <type>: <url>` line per pending connector. */
function printedLinks(output: string): Record<string, string> {
  return Object.fromEntries(
    [...output.matchAll(/^ {2}([a-z0-9_-]+): (http\S+)$/gm)].map(([, t, u]) => [t, u]),
  );
}

/** Runs a `base44-server` administration command and returns what it printed (an id or a key). */
async function administer(args: string[], stdin?: string): Promise<string> {
  const result = await runServerCommand(args, stdin === undefined ? {} : { stdin });
  if (result.code !== 0) throw new Error(`base44-server ${args.join(' ')}: ${result.code}\n${result.stderr}`);
  return result.stdout.trim();
}

describe.each(KINDS)('the public base44 CLI manages the connectors of base44-server on %s', (kind) => {
  let database: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;
  let scratch: string;
  let appId: string;
  let otherAppId: string;
  let api: ConnectorApi;
  /** The public CLI in the project folder linked to `appId`. */
  let session: PublicCliSession;
  let project: PublicCliProject;

  beforeAll(async () => {
    if (!existsSync(SERVER_BIN)) throw new Error(`${SERVER_BIN} is missing: run \`npm run build\` first`);
    await publicCliEntry();
    database = await createTestDatabase(kind);
    scratch = await mkdtemp(join(tmpdir(), 'base44-public-cli-connectors-'));
    browser = await launchChromium();

    const storage = storageFlags(database);
    await administer(['users', 'add', '--email', EMAIL, '--password-stdin', ...storage], PASSWORD);
    appId = await administer(['apps', 'create', '--name', 'Connectors', '--owner', EMAIL, ...storage]);
    otherAppId = await administer(['apps', 'create', '--name', 'Initiate', '--owner', EMAIL, ...storage]);
    const apiKey = await administer(['keys', 'create', '--email', EMAIL, ...storage]);
    expect(apiKey).toMatch(/^b44k_/);

    const port = String(await freePort());
    server = await startServerProcess(['--sandbox', '--port', port, ...storage]);
    api = new ConnectorApi(server, appId, { api_key: apiKey });

    const home = join(scratch, 'home');
    await mkdir(home);
    project = await PublicCliProject.create(join(scratch, 'project'), appId);
    session = { home, apiUrl: server.url, apiKey, cwd: project.root };
  });

  afterAll(async () => {
    await server?.stop();
    await browser?.close();
    await database?.dispose();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('push creates both connectors with links, reports the one authorized in Chromium as synced, and removes a deleted file', async () => {
    await project.writeConnector('slack', ['chat:write']);
    await project.writeConnector('notion', ['read_content']);

    const first = await runPublicCliIn(['connectors', 'push', '--yes'], session);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toMatch(/Found 2 connectors to push: (notion, slack|slack, notion)/);
    expect(first.output).toContain('2 connector(s) require authorization in your browser:');
    expect(first.output).toContain('Skipped OAuth in non-interactive mode.');
    const links = printedLinks(first.output);
    expect(Object.keys(links).sort()).toEqual(['notion', 'slack']);
    for (const link of Object.values(links)) expect(link).toMatch(`${server.url}/oauth/start/`);

    expect((await api.list()).integrations).toEqual([
      { integration_type: 'notion', status: 'disconnected', scopes: ['read_content'], state: 'pending' },
      { integration_type: 'slack', status: 'disconnected', scopes: ['chat:write'], state: 'pending' },
    ]);
    const slackConnection = links.slack!.split('/').pop()!;
    expect(await api.status('slack', slackConnection)).toEqual({ status: 'PENDING' });

    const consent = await consentInSandbox(browser, links.slack!, {
      email: SLACK_ACCOUNT,
      decision: 'allow',
      screenshot: `public-cli-connectors-${kind}-slack`,
    });
    expect(consent.scopesShown).toEqual(['chat:write']);
    expect(consent.text).toContain('slack is connected - you can close this tab');
    expect(await api.status('slack', slackConnection)).toEqual({ status: 'ACTIVE' });

    const second = await runPublicCliIn(['connectors', 'push', '--yes'], session);
    expect(second.code, second.output).toBe(0);
    expect(second.output).toContain('Synced: slack');
    expect(second.output).not.toContain('Failed: slack');
    expect(Object.keys(printedLinks(second.output))).toEqual(['notion']);
    expect((await api.list()).integrations).toEqual([
      { integration_type: 'notion', status: 'disconnected', scopes: ['read_content'], state: 'pending' },
      {
        integration_type: 'slack',
        status: 'active',
        scopes: ['chat:write'],
        user_email: SLACK_ACCOUNT,
        state: 'active',
      },
    ]);

    await project.removeConnector('notion');
    const third = await runPublicCliIn(['connectors', 'push', '--yes', '--json'], session);
    expect(third.code, third.output).toBe(0);
    expect(JSON.parse(third.stdout)).toEqual({
      results: [
        { type: 'slack', action: 'synced' },
        { type: 'notion', action: 'removed' },
      ],
      oauth: {},
    });
    expect((await api.list()).integrations).toEqual([
      {
        integration_type: 'slack',
        status: 'active',
        scopes: ['chat:write'],
        user_email: SLACK_ACCOUNT,
        state: 'active',
      },
    ]);
  }, 120_000);

  it('pull writes the files of the server (asking payments/stripe/status too) and deletes stale ones', async () => {
    // A pending connector too, which the list reports as disconnected.
    expect(await api.put('linear', ['read'])).toMatchObject({ already_authorized: false });
    const remote = (await api.list()).integrations;
    expect(remote.map((i) => i.integration_type)).toContain('linear');

    const clone = await PublicCliProject.create(join(scratch, 'clone'), appId);
    await clone.writeConnector('github', ['repo']);
    const cloneSession = { ...session, cwd: clone.root };

    // The public CLI's pull fails outright unless `GET payments/stripe/status` answers.
    const pulled = await runPublicCliIn(['connectors', 'pull'], cloneSession);
    expect(pulled.code, pulled.output).toBe(0);
    expect(pulled.output).toMatch(/Written: (linear, slack|slack, linear)/);
    expect(pulled.output).toContain('Deleted: github');
    expect(pulled.output).toContain(`Pulled ${remote.length} connectors to ${clone.connectorsDir}`);
    expect(await clone.readConnectors()).toEqual(
      remote
        .map((i) => ({
          file: `${i.integration_type}.jsonc`,
          content: { type: i.integration_type, scopes: i.scopes },
        }))
        .sort((a, b) => a.file.localeCompare(b.file)),
    );

    const again = await runPublicCliIn(['connectors', 'pull', '--json'], cloneSession);
    expect(again.code, again.output).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({
      connectorsDir: clone.connectorsDir,
      pulled: remote.length,
      written: [],
      deleted: [],
    });
  }, 60_000);

  it('list-available --json prints our catalog', async () => {
    const listed = await runPublicCliIn(['connectors', 'list-available', '--json'], session);
    expect(listed.code, listed.output).toBe(0);
    const printed = JSON.parse(listed.stdout) as {
      integrations: { integrationType: string; displayName: string; description: string }[];
    };
    // 32 in the catalog; Wix is not offered (its code flow is closed to new apps).
    expect(printed.integrations.length).toBeGreaterThanOrEqual(31);
    expect(printed.integrations.map((i) => i.integrationType)).not.toContain('wix');

    const response = await fetch(`${server.url}/api/apps/${appId}/external-auth/available-integrations`, {
      headers: { api_key: session.apiKey },
    });
    const catalog = (await response.json()) as AvailableIntegrationsResponse;
    expect(printed.integrations.map((i) => [i.integrationType, i.displayName, i.description])).toEqual(
      catalog.integrations.map((i) => [i.integration_type, i.display_name, i.description]),
    );
    expect(printed.integrations.map((i) => i.integrationType)).toEqual(
      expect.arrayContaining(['slack', 'notion', 'googlecalendar', 'gmail', 'github', 'linear']),
    );
  }, 60_000);

  it('initiate --json, with --app-id and no project, answers the link and connection of our server', async () => {
    const outside = join(scratch, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'README'), 'no base44 project here\n');
    const initiated = await runPublicCliIn(
      [
        'connectors',
        'initiate',
        '--app-id',
        otherAppId,
        '--integration-type',
        'slack',
        '--scopes',
        'chat:write',
        '--json',
      ],
      { ...session, cwd: outside },
    );
    expect(initiated.code, initiated.output).toBe(0);
    const printed = JSON.parse(initiated.stdout) as {
      integrationType: string;
      alreadyAuthorized: boolean;
      redirectUrl: string;
      connectionId: string;
    };
    expect(printed).toEqual({
      integrationType: 'slack',
      alreadyAuthorized: false,
      redirectUrl: `${server.url}/oauth/start/${printed.connectionId}`,
      connectionId: expect.stringMatching(/^\S+$/),
    });

    const other = new ConnectorApi(server, otherAppId, { api_key: session.apiKey });
    expect(await other.status('slack', printed.connectionId)).toEqual({ status: 'PENDING' });
    expect((await other.list()).integrations).toEqual([
      { integration_type: 'slack', status: 'disconnected', scopes: ['chat:write'], state: 'pending' },
    ]);
  }, 60_000);
});
