import { beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, cliEnvironment, runCli } from '../support/cli.js';
import { startStubServer } from '../support/stub-server.js';
import { aTempDir, writeFiles } from '../support/temp.js';

// The public CLI's project conventions, through the built bin: a flat layout, its .env files,
// BASE44_APP_ID over .app.jsonc, and --json before or after the command.

const LISTED = { integrations: [] };

describe('a flat project whose .env files say where the server is', () => {
  beforeAll(assertCliBuilt);

  async function flatProject(serverUrl: string): Promise<string> {
    const root = await aTempDir();
    await writeFiles(root, {
      'config.jsonc': "// flat\n{ name: 'todo' }",
      '.app.jsonc': "{ id: 'app-from-file' }",
      '.env': `BASE44_API_URL=${serverUrl}\nBASE44_API_KEY=b44k_from_env_file\nBASE44_APP_ID=app-from-env\n`,
      '.env.local': 'BASE44_APP_ID=app-from-env-local\n',
      'connectors/slack.jsonc': "{ type: 'Slack', scopes: ['chat:write'] }",
    });
    return root;
  }

  it.each([[['--json', 'connectors', 'status']], [['connectors', 'status', '--json']]])(
    'base44 %j reads the project, its .env files and gives one JSON document',
    async (args) => {
      const server = await startStubServer(() => ({ status: 200, json: LISTED }));
      const root = await flatProject(server.url);
      const result = await runCli(args, {
        cwd: root,
        env: cliEnvironment({ HOME: root }),
        timeoutMs: 30_000,
      });
      expect(result.code).toBe(0);
      const document = JSON.parse(result.stdout);
      expect(document).toMatchObject({
        app_id: 'app-from-env-local',
        actions: [expect.objectContaining({ type: 'slack' })],
      });
      expect(server.requests[0]?.url).toContain('/apps/app-from-env-local/');
      expect(server.requests[0]?.headers.api_key).toBe('b44k_from_env_file');
    },
  );

  it('takes --app-id over BASE44_APP_ID, given before the command', async () => {
    const server = await startStubServer(() => ({ status: 200, json: LISTED }));
    const root = await flatProject(server.url);
    const env = cliEnvironment({ HOME: root, BASE44_APP_ID: 'app-from-shell' });
    const fromShell = await runCli(['connectors', 'status', '--json'], { cwd: root, env, timeoutMs: 30_000 });
    expect(JSON.parse(fromShell.stdout).app_id).toBe('app-from-shell');
    const fromFlag = await runCli(['--app-id', 'app-from-flag', 'connectors', 'status', '--json'], {
      cwd: root,
      env,
      timeoutMs: 30_000,
    });
    expect(JSON.parse(fromFlag.stdout).app_id).toBe('app-from-flag');
  });
});
