import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AvailableIntegrationsResponse } from '@base44-connectors/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConnectorFile } from '../../src/core/resources/connectors/files.js';
import { base44, type CliSettings } from '../support/run.js';
import { consentOverHttp, type SandboxServer, SERVER_MODES, startSandboxServer } from '../support/server.js';
import { aProject, aTempDir, connectorJson, writeFiles } from '../support/temp.js';

// pull, list-available, create and status against a real server, without a terminal: our own,
// and one answering as the Base44 cloud does.

describe.each(SERVER_MODES)('connectors pull, list-available, create and status (server: %s)', (mode) => {
  let server: SandboxServer;

  beforeAll(async () => {
    server = await startSandboxServer({ apps: 5, mode });
  });
  afterAll(() => server?.stop());

  async function project(appId: string, connectors?: Record<string, string>) {
    const settings: CliSettings = {
      home: await aTempDir('base44-cli-home-'),
      apiUrl: server.url,
      apiKey: server.apiKey,
    };
    const made = await aProject(await aTempDir(), { appId, ...(connectors ? { connectors } : {}) });
    return { settings, ...made };
  }

  it('pull writes new connectors, deletes files of gone ones, keeps unchanged files byte for byte', async () => {
    const appId = server.appIds[0]!;
    const api = server.connectors(appId);
    await api.put('slack', ['a', 'b']);
    await api.put('notion', []);
    const commented =
      '// Slack for the support team\n{\n  "type": "slack", // the bot\n  "scopes": ["a", "b"],\n}\n';
    const { settings, root, connectorsDir } = await project(appId, {
      'slack.jsonc': commented,
      'github.jsonc': connectorJson('github', ['repo']),
    });
    const slackFile = join(connectorsDir, 'slack.jsonc');
    const slackMtime = (await stat(slackFile)).mtimeMs;

    const first = await base44(settings, root, ['connectors', 'pull']);
    expect(first).toMatchObject({ code: 0, stderr: '', stdout: 'Written: notion\nDeleted: github\n' });
    expect((await readdir(connectorsDir)).sort()).toEqual(['notion.jsonc', 'slack.jsonc']);
    expect(await readFile(slackFile, 'utf8')).toBe(commented);
    expect((await stat(slackFile)).mtimeMs).toBe(slackMtime);
    const notion = await readFile(join(connectorsDir, 'notion.jsonc'), 'utf8');
    expect(readConnectorFile('notion.jsonc', 'notion.jsonc', notion).file).toMatchObject({
      type: 'notion',
      scopes: [],
    });

    const second = await base44(settings, root, ['connectors', 'pull']);
    expect(second).toMatchObject({ code: 0, stdout: 'All connectors are already up to date\n' });

    await api.put('slack', ['a', 'c']);
    const third = await base44(settings, root, ['connectors', 'pull']);
    expect(third).toMatchObject({ code: 0, stdout: 'Written: slack\n' });
    const rewritten = await readFile(slackFile, 'utf8');
    expect(rewritten).toContain('// Slack for the support team');
    expect(rewritten).toContain('// the bot');
    expect(readConnectorFile(slackFile, 'slack.jsonc', rewritten).file?.scopes).toEqual(['a', 'c']);
    expect((await readdir(connectorsDir)).sort()).toEqual(['notion.jsonc', 'slack.jsonc']);
  });

  it('pull creates the connectors folder of a project that has none', async () => {
    const appId = server.appIds[1]!;
    await server.connectors(appId).put('slack', ['a']);
    const { settings, root, connectorsDir } = await project(appId);
    const result = await base44(settings, root, ['connectors', 'pull']);
    expect(result).toMatchObject({ code: 0, stdout: 'Written: slack\n' });
    expect(await readdir(connectorsDir)).toEqual(['slack.jsonc']);
  });

  it('pull --json writes one JSON document on stdout and its text on stderr', async () => {
    const appId = server.appIds[1]!;
    await server.connectors(appId).put('slack', ['a']);
    const { settings, root, connectorsDir } = await project(appId);
    const result = await base44(settings, root, ['connectors', 'pull', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      connectors_dir: connectorsDir,
      pulled: 1,
      written: ['slack'],
      deleted: [],
    });
    expect(result.stderr).toBe('Written: slack\n');
  });

  it('pull refuses to touch a folder holding an invalid file, with exit 2', async () => {
    const appId = server.appIds[1]!;
    const broken = '{"type": "slack", "scopes": "a"}';
    const { settings, root, connectorsDir } = await project(appId, { 'slack.jsonc': broken });
    const result = await base44(settings, root, ['connectors', 'pull']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('base44/connectors/slack.jsonc:1:29: "scopes" must be a list of strings');
    expect(await readFile(join(connectorsDir, 'slack.jsonc'), 'utf8')).toBe(broken);
  });

  it('list-available --json is {"integrations": [...]} with the catalog as served, on stdout alone', async () => {
    const { settings, root } = await project(server.appIds[0]!);
    const result = await base44(settings, root, ['connectors', 'list-available', '--json']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const document = JSON.parse(result.stdout) as AvailableIntegrationsResponse;
    expect(Object.keys(document)).toEqual(['integrations']);
    expect(document.integrations.length).toBeGreaterThan(5);
    expect(document.integrations).toContainEqual(
      expect.objectContaining({
        integration_type: 'slack',
        display_name: 'Slack',
        description: expect.any(String),
        // An [ext] field: the cloud's catalog names no default scopes.
        ...(server.differences.extensions ? { default_scopes: expect.arrayContaining(['chat:write']) } : {}),
        connection_config_fields: expect.any(Array),
      }),
    );
    if (!server.differences.extensions)
      for (const integration of document.integrations)
        expect(integration).not.toHaveProperty('default_scopes');
  });

  it('list-available prints each integration for people, and the count', async () => {
    const { settings, root } = await project(server.appIds[0]!);
    const result = await base44(settings, root, ['connectors', 'list-available']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Slack slack$/m);
    expect(result.stdout).toMatch(/^\d+ integrations available\.$/m);
  });

  it("create writes <type>.jsonc with the catalog's default scopes (none from the cloud), readable as a connector file", async () => {
    const { settings, root, connectorsDir } = await project(server.appIds[2]!);
    const catalog = JSON.parse(
      (await base44(settings, root, ['connectors', 'list-available', '--json'])).stdout,
    ) as AvailableIntegrationsResponse;
    const slack = catalog.integrations.find((integration) => integration.integration_type === 'slack')!;

    const result = await base44(settings, root, ['connectors', 'create', 'slack']);
    expect(result).toMatchObject({
      code: 0,
      stderr: '',
      stdout: "Created base44/connectors/slack.jsonc. Run 'base44 connectors push' to authorize it.\n",
    });
    const text = await readFile(join(connectorsDir, 'slack.jsonc'), 'utf8');
    const read = readConnectorFile('slack.jsonc', 'slack.jsonc', text);
    expect(read.problems).toEqual([]);
    expect(read.file).toMatchObject({ type: 'slack', scopes: slack.default_scopes ?? [] });
    if (server.differences.extensions) expect(read.file?.scopes).toContain('chat:write');

    const dryRun = await base44(settings, root, ['connectors', 'push', '--dry-run']);
    expect(dryRun.code).toBe(3);
    expect(dryRun.stdout).toContain('+ slack (new, needs authorization)');
  });

  it('create refuses an unknown type with exit 2 and the closest type, and writes nothing', async () => {
    const { settings, root, connectorsDir } = await project(server.appIds[2]!);
    const result = await base44(settings, root, ['connectors', 'create', 'slak']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown connector type "slak" (did you mean "slack"?)');
    expect(existsSync(connectorsDir)).toBe(false);
  });

  it('create refuses to overwrite an existing file with exit 2, leaving it as it was', async () => {
    const mine = '// mine\n{"type": "slack", "scopes": ["x"]}\n';
    const { settings, root, connectorsDir } = await project(server.appIds[2]!, { 'slack.jsonc': mine });
    const result = await base44(settings, root, ['connectors', 'create', 'slack']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('base44/connectors/slack.jsonc already exists');
    expect(await readFile(join(connectorsDir, 'slack.jsonc'), 'utf8')).toBe(mine);
  });

  it('status --json gives what push would do and the health of each connector as listed, as one JSON document', async () => {
    const appId = server.appIds[3]!;
    await server.connectors(appId).put('slack', ['a']);
    const { settings, root, connectorsDir } = await project(appId, {
      'slack.jsonc': connectorJson('slack', ['a', 'z']),
    });
    await writeFiles(connectorsDir, { 'notion.jsonc': connectorJson('notion') });
    const result = await base44(settings, root, ['connectors', 'status', '--json']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual({
      app_id: appId,
      connectors_dir: connectorsDir,
      actions: [
        { action: 'add', type: 'notion', scopes: [] },
        { action: 'update', type: 'slack', scopes: ['a', 'z'], added: ['z'], removed: [] },
      ],
      connectors: [
        {
          integration_type: 'slack',
          status: 'disconnected',
          scopes: ['a'],
          // An [ext] field of the list: the cloud says only `status`.
          ...(server.differences.extensions ? { state: 'pending' } : {}),
        },
      ],
    });

    const human = await base44(settings, root, ['connectors', 'status']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('  + notion (new, needs authorization)');
    expect(human.stdout).toContain('  ~ slack scopes +z');
    const health = server.differences.extensions ? 'pending' : 'disconnected';
    expect(human.stdout).toMatch(new RegExp(`^ {2}slack {2}${health} {2}- {2}a$`, 'm'));
  });

  it("status shows each connector's connection_config, and a file's settings as synced when the server says they are", async () => {
    const appId = server.appIds[4]!;
    const api = server.connectors(appId);
    const put = await api.putRaw('salesforce', ['api'], { login_host: 'test.salesforce.com' });
    const { redirect_url } = (await put.json()) as { redirect_url: string };
    await consentOverHttp(redirect_url, { email: 'ada@example.com', decision: 'allow' });
    const file =
      '{ "type": "salesforce", "scopes": ["api"], "connection_config": { "login_host": "test.salesforce.com" } }\n';
    const { settings, root } = await project(appId, { 'salesforce.jsonc': file });

    const human = await base44(settings, root, ['connectors', 'status']);
    expect(human).toMatchObject({ code: 0, stderr: '' });
    if (server.differences.extensions) {
      expect(human.stdout).toMatch(/^ {2}salesforce {2}active {2}ada@example\.com {2}api$/m);
      expect(human.stdout).toMatch(/^ {14}connection_config login_host=test\.salesforce\.com$/m);
      expect(human.stdout).not.toContain('~ salesforce');
    } else {
      // The cloud's list says nothing of settings: push will send them, and status says so.
      expect(human.stdout).not.toMatch(/^ {14}connection_config/m);
      expect(human.stdout).toContain('~ salesforce connection_config login_host');
    }
    const json = JSON.parse((await base44(settings, root, ['connectors', 'status', '--json'])).stdout);
    expect(json.connectors[0].connection_config).toEqual(
      server.differences.extensions ? { login_host: 'test.salesforce.com' } : undefined,
    );
  });
});
