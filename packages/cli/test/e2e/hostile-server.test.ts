import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { aFakeBrowser, assertCliBuilt, CLI_BIN, cliEnvironment } from '../support/cli.js';
import { base44 } from '../support/run.js';
import { type ReceivedRequest, startRawServer } from '../support/stub-server.js';
import { aProject, aTempDir, connectorJson } from '../support/temp.js';
import { Terminal } from '../support/terminal.js';

// BASE44_API_URL is a variable: the server may be anyone's. A hostile server plays each attack on
// the CLI, and the CLI refuses each with a clear message, exits non-zero where it cannot go on,
// and writes nothing outside the project.

const APP = 'app-1';
const ESC = '\u001b';
/** OSC 52: sets the clipboard of terminals that allow it. */
const CLIPBOARD = `${ESC}]52;c;ZXZpbA==\u0007`;

type Handler = (request: ReceivedRequest, response: ServerResponse) => void;

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** The public API's usual answers, with `overrides` by path suffix. */
function cloudLike(overrides: Record<string, unknown>): Handler {
  return (request, response) => {
    const path = (request.url ?? '').split('?')[0]!;
    const suffix = Object.keys(overrides).find((key) => path.endsWith(key));
    if (suffix) return json(response, 200, overrides[suffix]);
    if (path.endsWith('/available-integrations'))
      return json(response, 200, {
        integrations: [
          {
            integration_type: 'slack',
            display_name: 'Slack',
            description: 'Chat',
            connection_config_fields: [],
          },
        ],
      });
    if (path.endsWith('/external-auth/list')) return json(response, 200, { integrations: [] });
    if (path.endsWith('/payments/stripe/status')) return json(response, 200, { stripe_mode: null });
    if (path.endsWith('/external-auth/status')) return json(response, 200, { status: 'PENDING' });
    return json(response, 404, { detail: 'Not Found' });
  };
}

async function aProjectFor(files: Record<string, string>) {
  const outside = await aTempDir('base44-hostile-');
  const { root, connectorsDir } = await aProject(join(outside, 'project'), { appId: APP, connectors: files });
  return { outside, root, connectorsDir, home: join(outside, 'home') };
}

const settingsFor = (home: string, apiUrl: string) => ({ home, apiUrl, apiKey: 'b44k_hostile_test_key' });

describe('base44 against a hostile server', () => {
  it('never hands a link that is a flag, a file or another site to the browser', async () => {
    assertCliBuilt();
    let put = 0;
    const url = await startRawServer((request, response) => {
      if (request.method !== 'PUT') return cloudLike({})(request, response);
      const redirect = [
        '--renderer-cmd-prefix=touch /tmp/base44-pwned',
        'file:///etc/passwd',
        'https://evil.example/consent',
      ][put++ % 3];
      return json(response, 200, {
        redirect_url: redirect,
        connection_id: `c${put}`,
        already_authorized: false,
        error: null,
        error_message: null,
        other_user_email: null,
      });
    });
    const { outside, root } = await aProjectFor({ 'slack.jsonc': connectorJson('slack', ['chat:write']) });
    const browser = await aFakeBrowser(outside);
    for (let run = 0; run < 3; run++) {
      const terminal = await Terminal.start({
        command: [process.execPath, CLI_BIN, 'connectors', 'push', '--yes', '--timeout', '1'],
        cwd: root,
        env: cliEnvironment({
          HOME: join(outside, 'home'),
          NO_COLOR: '1',
          BASE44_API_URL: url,
          BASE44_API_KEY: 'b44k_hostile_test_key',
          BROWSER: browser.command,
        }),
        dir: await aTempDir('base44-hostile-terminal-'),
      });
      onTestFinished(() => terminal.kill());
      const done = await terminal.waitForExit(15_000);
      expect(done.code).toBe(1);
      expect(done.lines).toContain(
        "  The link for slack does not lead to the server's own pages, so it was not opened. Still waiting.",
      );
    }
    expect(await browser.opened()).toEqual([]);
    expect(existsSync('/tmp/base44-pwned')).toBe(false);
  }, 60_000);

  it('refuses a connector type that would be a path, and writes nothing', async () => {
    const url = await startRawServer(
      cloudLike({
        '/external-auth/list': {
          integrations: [{ integration_type: '../../evil', status: 'active', scopes: [] }],
        },
      }),
    );
    const { outside, root, connectorsDir, home } = await aProjectFor({});
    const pull = await base44(settingsFor(home, url), root, ['connectors', 'pull']);
    expect(pull.code).toBe(1);
    expect(pull.stderr).toContain(
      `The server at ${url} answered GET /api/apps/${APP}/external-auth/list with something this CLI does not understand at integrations.0.integration_type`,
    );
    expect(await readdir(connectorsDir)).toEqual([]);
    expect(await readdir(outside)).toEqual(['project']);
  });

  it('shows every string it got from the server with control characters escaped', async () => {
    const url = await startRawServer(
      cloudLike({
        '/external-auth/list': {
          integrations: [
            {
              integration_type: 'slack',
              status: 'active',
              scopes: [`chat:write${ESC}[2A`],
              user_email: `a@b.c${CLIPBOARD}`,
              connection_config: { [`team${ESC}[1m`]: `T1${CLIPBOARD}`, nested: { deep: `x${ESC}[2J` } },
            },
          ],
        },
      }),
    );
    const { root, home } = await aProjectFor({ 'slack.jsonc': connectorJson('slack', ['chat:write']) });
    const status = await base44(settingsFor(home, url), root, ['connectors', 'status']);
    expect(status.code).toBe(0);
    expect(status.stdout).not.toContain(ESC);
    expect(status.stdout).toContain('a@b.c\\u001b]52;c;ZXZpbA==\\u0007');
    expect(status.stdout).toContain('chat:write\\u001b[2A');
    expect(status.stdout).toContain('team\\u001b[1m=T1\\u001b]52;c;ZXZpbA==\\u0007');
    expect(status.stdout).toContain('nested={"deep":"x\\u001b[2J"}');

    const refusing = await startRawServer((_request, response) =>
      json(response, 400, {
        detail: `bad${ESC}[2J${CLIPBOARD}`,
        extra_data: { errors: [{ name: `x${ESC}`, message: `y${ESC}` }] },
      }),
    );
    const refused = await base44(settingsFor(home, refusing), root, ['connectors', 'list-available']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).not.toContain(ESC);
    expect(refused.stderr).toContain('Error: bad\\u001b[2J\\u001b]52;c;ZXZpbA==\\u0007');
    expect(refused.stderr).toContain('  x\\u001b: y\\u001b');
  });

  it('gives up on a server that sends headers and then nothing, naming it', async () => {
    const url = await startRawServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"integrations": [');
    });
    const { root, home } = await aProjectFor({});
    const result = await base44(settingsFor(home, url), root, ['connectors', 'list-available'], {
      BASE44_HTTP_TIMEOUT: '2',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Error: The server at ${url} did not answer within 2 s.`);
    expect(result.ms).toBeLessThan(10_000);
  });

  it('refuses an answer too large to be one, declared or streamed, without reading it all', async () => {
    const declared = await startRawServer((_request, response) => {
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': String(600 * 1024 * 1024),
      });
      response.write('{');
    });
    let sent = 0;
    const streamed = await startRawServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      const more = () => {
        // Bounded: 64 MiB at most, whatever the client does.
        while (sent < 64 && response.write(chunk)) sent++;
        if (sent < 64) response.once('drain', more);
      };
      more();
    });
    const { root, home } = await aProjectFor({});
    for (const url of [declared, streamed]) {
      const result = await base44(settingsFor(home, url), root, ['connectors', 'list-available']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `Error: The server at ${url} sent an answer larger than 8 MiB; it was not read.`,
      );
    }
    expect(sent).toBeLessThan(64);
  });
});

describe('base44 login when a project’s .env names the server', () => {
  it('says which server asks for the login and where its address came from, before anything else', async () => {
    const url = await startRawServer((_request, response) =>
      json(response, 400, { error: 'invalid_client', error_description: 'go away' }),
    );
    const { root, home } = await aProjectFor({});
    await writeFile(join(root, '.env'), `BASE44_API_URL=${url}\n`);
    const login = await base44({ home, apiUrl: '' }, root, ['login']);
    expect(login.stdout.split('\n')[0]).toBe(`Logging in to ${url} (BASE44_API_URL from the project's .env)`);
    expect(login.code).toBe(1);
    expect(login.stderr).toContain('Error: go away');
  });
});
