import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { ListIntegrationsResponse } from '@base44-connectors/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base44, type CliSettings } from '../support/run.js';
import { type SandboxServer, SERVER_MODES, startSandboxServer } from '../support/server.js';
import { startStubServer } from '../support/stub-server.js';
import { aProject, aTempDir, connectorJson } from '../support/temp.js';

// Every way `connectors push` refuses or fails before it changes anything: the exit code of
// cli.md, a message that says what is wrong, and the app's connectors exactly as they were;
// against our server and against one answering as the Base44 cloud does, alike.

describe.each(SERVER_MODES)('connectors push: refusals leave the app as it was (server: %s)', (mode) => {
  let server: SandboxServer;
  let appId: string;
  let before: ListIntegrationsResponse;
  let settings: CliSettings;

  beforeAll(async () => {
    server = await startSandboxServer({ apps: 1, mode });
    appId = server.appIds[0]!;
    const api = server.connectors(appId);
    await api.put('slack', ['b', 'c']);
    await api.put('github', ['repo']);
    before = await api.list();
    expect(before.integrations.map((connector) => connector.integration_type).sort()).toEqual([
      'github',
      'slack',
    ]);
  });
  afterAll(() => server?.stop());

  async function setup(connectors?: Record<string, string>) {
    const home = await aTempDir('base44-cli-home-');
    settings = { home, apiUrl: server.url, apiKey: server.apiKey };
    const { root } = await aProject(await aTempDir(), { appId, ...(connectors ? { connectors } : {}) });
    return root;
  }

  const expectAppUnchanged = async () => expect(await server.connectors(appId).list()).toEqual(before);

  it('refuses a file with invalid JSON with exit 2, naming file:line:column, and sends nothing', async () => {
    const files = {
      'slack.jsonc': '{\n  "type": "slack"\n  "scopes": ["b"]\n}\n',
      'github.jsonc': connectorJson('github', ['repo']),
    };
    const root = await setup(files);
    const result = await base44(settings, root, ['connectors', 'push']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('base44/connectors/slack.jsonc:3:3: invalid JSON: expected ","');
    expect(result.stderr).toContain('Nothing was sent to the server.');
    expect(result.stdout).toBe('');
    await expectAppUnchanged();

    // Not a single request: the files are checked before the server is asked anything.
    const recorder = await startStubServer(() => ({ status: 500, json: {} }));
    const again = await base44({ ...settings, apiUrl: recorder.url }, root, ['connectors', 'push']);
    expect(again.code).toBe(2);
    expect(recorder.requests).toEqual([]);
  });

  it('refuses a file whose "type" is missing or whose scopes are not strings, naming the field', async () => {
    const root = await setup({
      'slack.jsonc': '{\n  "scopes": ["b"]\n}\n',
      'github.jsonc': '{"type": "github", "scopes": ["repo", 42]}\n',
    });
    const result = await base44(settings, root, ['connectors', 'push']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'base44/connectors/github.jsonc:1:39: "scopes"[1] must be a non-empty string',
    );
    expect(result.stderr).toContain('base44/connectors/slack.jsonc:1:1: missing "type"');
    await expectAppUnchanged();
  });

  it('--json answers a refusal with one JSON document on stdout, and the message on stderr', async () => {
    const root = await setup({ 'slack.jsonc': '{"type": "slack",' });
    const result = await base44(settings, root, ['connectors', 'push', '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({
      error: {
        code: 'invalid_files',
        problems: [{ file: 'base44/connectors/slack.jsonc', line: 1, column: 18 }],
      },
      exit_code: 2,
    });
    expect(result.stderr).toContain('base44/connectors/slack.jsonc:1:');
    await expectAppUnchanged();
  });

  it('refuses two files with the same type with exit 2, naming both files', async () => {
    const root = await setup({
      'slack.jsonc': connectorJson('slack', ['b', 'c']),
      'team-chat.jsonc': connectorJson('slack', ['a']),
    });
    const recorder = await startStubServer(() => ({ status: 500, json: {} }));
    const offline = await base44({ ...settings, apiUrl: recorder.url }, root, ['connectors', 'push']);
    expect(offline.code).toBe(2);
    expect(recorder.requests).toEqual([]);

    const result = await base44(settings, root, ['connectors', 'push']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'base44/connectors/team-chat.jsonc:2:11: type "slack" is also the type of base44/connectors/slack.jsonc',
    );
    await expectAppUnchanged();
  });

  it('refuses a type the server does not offer with exit 2 and the closest type as a suggestion', async () => {
    const root = await setup({
      'slack.jsonc': connectorJson('slakc', ['b', 'c']),
      'github.jsonc': connectorJson('github', ['repo']),
    });
    const result = await base44(settings, root, ['connectors', 'push']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'base44/connectors/slack.jsonc:2:11: unknown connector type "slakc" (did you mean "slack"?)',
    );
    await expectAppUnchanged();
  });

  it('refuses to guess the app outside a project without an app id, with exit 2 and the ways out', async () => {
    const home = await aTempDir('base44-cli-home-');
    const cwd = await aTempDir();
    await mkdir(join(cwd, 'connectors'));
    const result = await base44({ home, apiUrl: server.url, apiKey: server.apiKey }, cwd, [
      'connectors',
      'push',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`No base44 project here: no base44/config.jsonc in ${cwd}`);
    expect(result.stderr).toContain('--app-id');
    expect(result.stderr).toContain('BASE44_APP_ID');
    await expectAppUnchanged();
  });

  it('without credentials and without a terminal, fails at once with exit 1 and says how to log in', async () => {
    const root = await setup({ 'slack.jsonc': connectorJson('slack', ['b', 'c']) });
    const result = await base44({ ...settings, apiKey: undefined }, root, ['connectors', 'push']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Not logged in to ${server.url}.`);
    expect(result.stderr).toContain("Run 'base44 login', or set BASE44_API_KEY");
    expect(result.stdout).not.toContain('Open ');
    expect(result.ms).toBeLessThan(5_000);
    await expectAppUnchanged();
  });

  it('fails with exit 1 when the server cannot be reached, naming its URL', async () => {
    const unreachable = await refusingUrl();
    const root = await setup({ 'slack.jsonc': connectorJson('slack', ['b', 'c']) });
    const result = await base44({ ...settings, apiUrl: unreachable }, root, ['connectors', 'push']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Cannot reach the server at ${unreachable}`);
    expect(result.stderr).toContain('BASE44_API_URL');
  });

  it('refuses a missing connectors folder with exit 2, naming it, and removes none of the app’s connectors', async () => {
    const root = await setup();
    const result = await base44(settings, root, ['connectors', 'push']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No connectors folder at base44/connectors');
    expect(result.stderr).toContain('nothing removed');
    await expectAppUnchanged();
  });

  it('refuses a missing --dir outside a project, naming it', async () => {
    const home = await aTempDir('base44-cli-home-');
    const cwd = await aTempDir();
    const result = await base44({ home, apiUrl: server.url, apiKey: server.apiKey }, cwd, [
      'connectors',
      'push',
      '--app-id',
      appId,
      '--dir',
      'oauth',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No connectors folder at oauth');
    await expectAppUnchanged();
  });

  it('--dry-run prints the plan, exits 3 when something would change, and changes nothing', async () => {
    const root = await setup({
      'slack.jsonc': connectorJson('slack', ['a', 'c']),
      'notion.jsonc': connectorJson('notion'),
    });
    const result = await base44(settings, root, ['connectors', 'push', '--dry-run']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(3);
    expect(result.stdout.split('\n')).toEqual([
      'Found 2 connectors to push: notion, slack',
      '- github (not in local files)',
      '+ notion (new, needs authorization)',
      '~ slack scopes +a -b',
      '',
    ]);
    await expectAppUnchanged();
  });

  it('--dry-run --json writes the plan as one JSON document on stdout and the text on stderr', async () => {
    const root = await setup({ 'slack.jsonc': connectorJson('slack', ['a', 'c']) });
    const result = await base44(settings, root, ['connectors', 'push', '--dry-run', '--json']);
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout)).toEqual({
      app_id: appId,
      dry_run: true,
      changes: true,
      actions: [
        { action: 'remove', type: 'github' },
        { action: 'update', type: 'slack', scopes: ['a', 'c'], added: ['a'], removed: ['b'] },
      ],
    });
    expect(result.stderr).toContain('~ slack scopes +a -b');
    await expectAppUnchanged();
  });
});

/** A loopback URL nothing listens on: connections are refused. */
async function refusingUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}
