import { CLI_SCOPE } from '@base44-connectors/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_SCOPE_DESCRIPTIONS } from '../../src/auth/cli-scopes.js';
import { startDeviceAuthorization } from '../../src/auth/device-flow.js';
import { aUser, PASSWORD } from '../support/accounts.js';
import { FormClient } from '../support/browserless.js';
import { pollToken } from '../support/login.js';
import { createTestServer, type TestServer } from '../support/server.js';

const HOSTILE = 'Grant-nothing-really <b>trust-me</b>';

// What the page shows comes from this server, not from the database kind: SQLite alone covers it.
describe('the scope a device login asks for, and what the verification page shows', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer('sqlite');
    await aUser(server.storage, 'alice@example.com');
  });
  afterAll(() => server.close());

  const askFor = (scope: string | undefined) =>
    server.app.inject({
      method: 'POST',
      url: '/oauth/device/code',
      payload: { client_id: 'base44_cli', ...(scope === undefined ? {} : { scope }) },
    });

  async function confirmPage(userCode: string): Promise<string> {
    const browser = new FormClient(server.app);
    await browser.get('/device');
    await browser.post('/device/sign-in', { email: 'alice@example.com', password: PASSWORD, user_code: '' });
    const page = await browser.get(`/device?user_code=${userCode}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Approve the CLI login?');
    return page.body;
  }

  function expectServerScopes(page: string): void {
    for (const [scope, description] of Object.entries(CLI_SCOPE_DESCRIPTIONS)) {
      expect(page).toContain(`${description} (<code>${scope}</code>)`);
    }
  }

  it.each([
    ['a scope this server does not define', `apps:read ${HOSTILE}`, 'Grant-nothing-really'],
    ['markup', '<script>alert(1)</script>', '<script>alert(1)</script>'],
    ['a near miss', 'apps:readwrite', 'apps:readwrite'],
  ])('refuses %s with invalid_scope, and starts no login', async (_case, scope, unknown) => {
    const response = await askFor(scope);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: 'invalid_scope',
      error_description: `Unknown scope ${JSON.stringify(unknown)}: a CLI login is granted "${CLI_SCOPE}"`,
    });
  });

  it.each([
    ['no scope', undefined],
    ['a subset of the CLI scopes', 'apps:read'],
    ['the CLI scopes in another order', 'sandbox:write apps:read apps:write'],
  ])(
    'grants the whole CLI scope for %s, and the page describes it in its own words',
    async (_case, scope) => {
      const response = await askFor(scope);
      expect(response.statusCode).toBe(200);
      const code = response.json() as { user_code: string; device_code: string };
      expectServerScopes(await confirmPage(code.user_code));
    },
  );

  it('grants and reports the whole CLI scope in the token response (RFC 6749 §3.3)', async () => {
    const code = (await askFor('apps:read')).json() as { user_code: string; device_code: string };
    const browser = new FormClient(server.app);
    await browser.get('/device');
    await browser.post('/device/sign-in', { email: 'alice@example.com', password: PASSWORD, user_code: '' });
    await browser.get(`/device?user_code=${code.user_code}`);
    await browser.post('/device/decision', { user_code: code.user_code, decision: 'approve' });
    const tokens = await pollToken(server.app, code.device_code);
    expect(tokens.json().scope).toBe(CLI_SCOPE);
  });

  it('never shows the scope text a login was stored with, even one written before scopes were checked', async () => {
    const started = await startDeviceAuthorization(
      server.storage.db,
      { clientId: 'base44_cli', scope: HOSTILE },
      { ttlSeconds: 600, pollIntervalSeconds: 5 },
      server.clock.now(),
    );
    const page = await confirmPage(started.userCode);
    expect(page).not.toContain('Grant-nothing-really');
    expect(page).not.toContain('trust-me');
    expectServerScopes(page);
  });
});
