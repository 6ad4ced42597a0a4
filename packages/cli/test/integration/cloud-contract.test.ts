import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type OwnAnswer, startProxy } from '../support/interfering-proxy.js';
import { base44, type CliSettings } from '../support/run.js';
import { consentOverHttp, type SandboxServer, startSandboxServer } from '../support/server.js';
import { aProject, aTempDir, connectorJson } from '../support/temp.js';

// Where the Base44 cloud differs from our server, played against `base44-server --public-api-only`
// (the cloud's contract) with a proxy in front that injects what the cloud answers and our server
// does not: a failing PUT, a cloud-shaped 422, the refusal of workspace keys, Stripe provisioning.

const EDITOR_PAGE = (url: string, appId: string) => `${url}/apps/${appId}/editor/workspace/app-connections`;

describe('connectors push, status and pull against a public-API-only server (the Base44 cloud’s contract)', () => {
  let server: SandboxServer;

  beforeAll(async () => {
    server = await startSandboxServer({ apps: 5, mode: 'public-api-only' });
  });
  afterAll(() => server?.stop());

  async function project(appId: string, apiUrl: string, connectors: Record<string, string>) {
    const settings: CliSettings = { home: await aTempDir('base44-cli-home-'), apiUrl, apiKey: server.apiKey };
    const { root, connectorsDir } = await aProject(await aTempDir(), { appId, connectors });
    return { settings, root, connectorsDir };
  }

  async function proxy(
    answer: (request: { method: string; path: string; body: string }) => OwnAnswer | undefined,
  ) {
    const running = await startProxy(server.url, { answer });
    onTestFinished(() => running.close());
    return running;
  }

  async function authorized(appId: string, type: string, scopes: string[]): Promise<void> {
    const answer = await server.connectors(appId).put(type, scopes);
    const consent = await consentOverHttp(answer.redirect_url!, { email: server.email, decision: 'allow' });
    expect(consent.status, consent.text).toBe(200);
  }

  it('a 500 on one PUT is that connector’s Failed line with the server’s words; the rest is applied', async () => {
    const appId = server.appIds[0]!;
    await authorized(appId, 'github', ['repo']);
    await server.connectors(appId).put('notion', []);
    const front = await proxy(({ method, path }) =>
      method === 'PUT' && path.endsWith('/integrations/slack')
        ? { status: 500, json: { detail: 'Internal error while saving slack' } }
        : undefined,
    );
    const { settings, root } = await project(appId, front.url, {
      'github.jsonc': connectorJson('github', ['repo']),
      'slack.jsonc': connectorJson('slack', ['chat:write']),
    });

    const result = await base44(settings, root, ['connectors', 'push']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      [
        'Found 2 connectors to push: github, slack',
        '✓ Connectors pushed',
        '',
        'Summary:',
        '  Synced: github',
        '  Removed: notion',
        '  Failed: slack (Internal error while saving slack)',
        `  Dashboard: ${EDITOR_PAGE(front.url, appId)}`,
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(1);
    const { integrations } = await server.connectors(appId).list();
    expect(integrations.map((integration) => integration.integration_type)).toEqual(['github']);
    // The public API's way: list and the catalog, then one request per change; no plan, no apply.
    const calls = front.requests.map(
      (request) => `${request.method} ${request.path.split('/').slice(4).join('/')}`,
    );
    expect(calls.filter((call) => /plan|apply/.test(call))).toEqual(['POST external-auth/plan']);
    expect(calls).toEqual(
      expect.arrayContaining([
        'GET external-auth/list',
        'GET external-auth/available-integrations',
        'PUT external-auth/integrations/slack',
        'DELETE external-auth/integrations/notion/remove',
      ]),
    );
  });

  it('a cloud-shaped 422 with extra_data.errors is shown in full, on the Failed line and as an error', async () => {
    const appId = server.appIds[1]!;
    const invalid = {
      status: 422,
      json: {
        detail: 'Invalid connector configuration',
        extra_data: {
          reason: 'invalid_scopes',
          errors: [
            { name: 'scopes[0]', message: 'unknown scope "chat:wrote"' },
            { name: 'scopes[1]', message: 'scope "admin" needs an enterprise plan' },
          ],
        },
      },
    };
    const front = await proxy(({ method, path }) =>
      method === 'PUT' && path.endsWith('/integrations/slack') ? invalid : undefined,
    );
    const { settings, root } = await project(appId, front.url, {
      'slack.jsonc': connectorJson('slack', ['chat:wrote', 'admin']),
    });
    const push = await base44(settings, root, ['connectors', 'push']);
    expect(push.code).toBe(1);
    expect(push.stdout).toContain(
      '  Failed: slack (Invalid connector configuration; scopes[0]: unknown scope "chat:wrote"; scopes[1]: scope "admin" needs an enterprise plan)',
    );

    const listRefused = await proxy(({ path }) =>
      path.includes('/external-auth/list')
        ? {
            status: 422,
            json: {
              detail: [{ loc: ['query', 'x'], msg: 'field required' }],
              extra_data: invalid.json.extra_data,
            },
          }
        : undefined,
    );
    const status = await base44({ ...settings, apiUrl: listRefused.url }, root, ['connectors', 'status']);
    expect(status.code).toBe(1);
    expect(status.stderr).toContain('Error: [{"loc":["query","x"],"msg":"field required"}]');
    expect(status.stderr).toContain('  scopes[0]: unknown scope "chat:wrote"');
    expect(status.stderr).toContain('  scopes[1]: scope "admin" needs an enterprise plan');
  });

  it('sends a file’s connection_config in the PUT, also for a connector the list shows as synced, and refuses a bad one before any change', async () => {
    const appId = server.appIds[4]!;
    await authorized(appId, 'salesforce', ['api']);
    const puts: string[] = [];
    const front = await proxy(({ method, path, body }) => {
      if (method === 'PUT') puts.push(`${path.split('/').slice(4).join('/')} ${body}`);
      return undefined;
    });
    const file = (loginHost: string) =>
      `${JSON.stringify({ type: 'salesforce', scopes: ['api'], connection_config: { login_host: loginHost } }, null, 2)}\n`;

    const bad = await project(appId, front.url, { 'salesforce.jsonc': file('evil.example.com') });
    const refused = await base44(bad.settings, bad.root, ['connectors', 'push']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      'base44/connectors/salesforce.jsonc:7:19: "connection_config"."login_host" "evil.example.com" must be login.salesforce.com, test.salesforce.com',
    );
    expect(puts).toEqual([]);

    const good = await project(appId, front.url, { 'salesforce.jsonc': file('test.salesforce.com') });
    const result = await base44(good.settings, good.root, ['connectors', 'push']);
    // The list says nothing of settings: the PUT carries them, and the server asks for new consent.
    expect(puts).toEqual([
      'external-auth/integrations/salesforce {"scopes":["api"],"connection_config":{"login_host":"test.salesforce.com"}}',
    ]);
    expect(result.stdout).toContain('Failed: salesforce (authorization skipped: not interactive)');

    const pull = await base44(good.settings, good.root, ['connectors', 'pull']);
    expect(pull.code).toBe(0);
    expect(await readFile(join(good.connectorsDir, 'salesforce.jsonc'), 'utf8')).toBe(
      file('test.salesforce.com'),
    );
  });

  it('says why a workspace key gets a 403 from the list there, and what works instead', async () => {
    const appId = server.appIds[2]!;
    const front = await proxy(({ path }) =>
      path.includes('/external-auth/list') ? { status: 403, json: { detail: 'Forbidden' } } : undefined,
    );
    const { settings, root } = await project(appId, front.url, { 'slack.jsonc': connectorJson('slack') });
    const status = await base44(settings, root, ['connectors', 'status']);
    expect(status.code).toBe(1);
    expect(status.stderr).toContain(
      `Error: The server at ${front.url} does not let a workspace key (BASE44_API_KEY) list an app's connectors: Forbidden`,
    );
    expect(status.stderr).toContain(
      "Run 'base44 login' and unset BASE44_API_KEY, or set BASE44_ACCESS_TOKEN instead.",
    );
  });

  it('provisions Stripe where the server can (the cloud’s answers), pulls it back, shows it, and removes it', async () => {
    const appId = server.appIds[3]!;
    const claimUrl = 'https://connect.stripe.com/claim/sandbox_123';
    let installed = false;
    const front = await proxy(({ method, path }) => {
      if (!path.includes('/payments/stripe')) return undefined;
      if (method === 'GET')
        return {
          status: 200,
          json: { stripe_mode: installed ? 'sandbox' : null, sandbox_claim_url: installed ? claimUrl : null },
        };
      if (method === 'POST') {
        const already = installed;
        installed = true;
        return { status: 200, json: { already_installed: already, claim_url: already ? null : claimUrl } };
      }
      installed = false;
      return { status: 200, json: { success: true } };
    });
    const { settings, root, connectorsDir } = await project(appId, front.url, {});
    const created = await base44(settings, root, ['connectors', 'create', 'stripe']);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(await readFile(join(connectorsDir, 'stripe.jsonc'), 'utf8')).toContain('"type": "stripe"');

    const push = await base44(settings, root, ['connectors', 'push']);
    expect(push.stderr).toBe('');
    expect(push.stdout).toBe(
      [
        'Found 1 connector to push: stripe',
        '✓ Connectors pushed',
        '',
        'Summary:',
        '  Added: stripe',
        `  Claim your Stripe sandbox: ${claimUrl}`,
        `  Dashboard: ${EDITOR_PAGE(front.url, appId)}`,
        '',
      ].join('\n'),
    );
    expect(push.code).toBe(0);
    expect(installed).toBe(true);

    const dryRun = await base44(settings, root, ['connectors', 'push', '--dry-run']);
    expect(dryRun).toMatchObject({ code: 0, stdout: expect.stringContaining('No changes') });
    const pull = await base44(settings, root, ['connectors', 'pull']);
    expect(pull).toMatchObject({ code: 0, stdout: 'All connectors are already up to date\n' });
    const status = await base44(settings, root, ['connectors', 'status', '--json']);
    expect(JSON.parse(status.stdout).connectors).toEqual([
      { integration_type: 'stripe', status: 'active', scopes: [] },
    ]);

    await rm(join(connectorsDir, 'stripe.jsonc'));
    const removal = await base44(settings, root, ['connectors', 'push']);
    expect(removal.stdout).toContain('  Removed: stripe');
    expect(removal.code).toBe(0);
    expect(installed).toBe(false);
    expect(
      front.requests.filter((request) => request.method === 'DELETE').map((request) => request.path),
    ).toEqual([`/api/apps/${appId}/payments/stripe`]);
  });
});

describe.each(['ours', 'public-api-only'] as const)(
  'Stripe on a server that provisions none (%s)',
  (mode) => {
    let server: SandboxServer;

    beforeAll(async () => {
      server = await startSandboxServer({ apps: 1, mode });
    });
    afterAll(() => server?.stop());

    it('is a Failed: stripe line with the server’s reason, the rest applied, and pull keeps no file for it', async () => {
      const appId = server.appIds[0]!;
      const settings: CliSettings = {
        home: await aTempDir('base44-cli-home-'),
        apiUrl: server.url,
        apiKey: server.apiKey,
      };
      const { root, connectorsDir } = await aProject(await aTempDir(), {
        appId,
        connectors: { 'stripe.jsonc': connectorJson('stripe'), 'notion.jsonc': connectorJson('notion') },
      });

      const push = await base44(settings, root, ['connectors', 'push']);
      expect(push.stderr).toBe('');
      expect(push.stdout).toContain('Found 2 connectors to push: notion, stripe');
      expect(push.stdout).toContain(
        '  Failed: notion (authorization skipped: not interactive), stripe (Stripe provisioning is not available on this server)',
      );
      expect(push.code).toBe(1);
      expect((await server.connectors(appId).list()).integrations.map((i) => i.integration_type)).toEqual([
        'notion',
      ]);

      const pull = await base44(settings, root, ['connectors', 'pull']);
      expect(pull).toMatchObject({ code: 0, stdout: 'Deleted: stripe\n' });
      expect(existsSync(join(connectorsDir, 'stripe.jsonc'))).toBe(false);
    });
  },
);
