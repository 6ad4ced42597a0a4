import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormClient } from '../support/browserless.js';
import { DATABASE_KINDS } from '../support/databases.js';
import type { FuzzWorld } from '../support/fuzz-inputs.js';
import { aFuzzWorld } from '../support/fuzz-requests.js';
import type { DashboardWorld } from './dashboard-fixtures.js';

// What the fuzzing run (test/fuzz/api-routes.test.ts) found, each pinned as an example.

describe.each(DATABASE_KINDS)('requests the fuzzer found, on %s', (kind) => {
  let world: DashboardWorld;
  let fuzz: FuzzWorld;
  beforeAll(async () => {
    ({ world, fuzz } = await aFuzzWorld(kind));
  });
  afterAll(() => world?.close());
  const inject = (options: InjectOptions) => world.server.app.inject(options);

  it('refuses a NUL character in a JSON field with a 422 naming the field (PostgreSQL cannot compare such text)', async () => {
    const response = await inject({
      method: 'PUT',
      url: `/api/apps/${fuzz.appId}/external-auth/integrations/notion`,
      headers: { api_key: fuzz.workspaceKey },
      payload: { scopes: ['read', 'a\u0000b'] },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({
      message:
        'The request body field "scopes.1" has a control or bidirectional character (U+0000): no field accepts one',
      code: 'validation_failed',
      extra_data: {
        errors: [
          {
            name: 'scopes.1',
            message: 'has a control or bidirectional character (U+0000): no field accepts one',
          },
        ],
      },
    });
  });

  it('answers a NUL in the device-code scope in RFC 6749 form, not with a 500', async () => {
    const response = await inject({
      method: 'POST',
      url: '/oauth/device/code',
      payload: { client_id: 'base44_cli', scope: 'apps:read\u0000' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_request' });
    expect(response.json().error_description).toContain('"scope"');
  });

  it('shows a NUL in a sign-in form as a problem page naming the field, on the dashboard and the device page', async () => {
    const forms = [
      [
        '/dashboard/sign-in',
        '/dashboard/sign-in',
        { email: 'owner\u0000@example.com', password: 'x', app: '' },
      ],
      ['/device', '/device/sign-in', { email: 'owner\u0000@example.com', password: 'x', user_code: '' }],
    ] as const;
    for (const [page, action, fields] of forms) {
      const browser = new FormClient(world.server.app);
      await browser.get(page);
      const response = await browser.post(action, fields);
      expect(response.statusCode, action).toBe(422);
      expect(response.headers['content-type'], action).toMatch(/text\/html/);
      expect(response.body, action).toMatch(
        /field (&quot;|&#34;|")email(&quot;|&#34;|") has a control or bidirectional character \(U\+0000\)/,
      );
    }
  });

  it('answers an overlong path segment with a JSON 414 and the request id, without echoing the path', async () => {
    const response = await inject({ method: 'GET', url: `/oauth/start/${'a'.repeat(5000)}` });
    expect(response.statusCode).toBe(414);
    expect(response.json()).toEqual({
      message: 'A segment of the path is longer than 100 characters: no id or type is that long',
      code: 'bad_request',
    });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers a malformed percent-escape in the path with a JSON 400 and the request id', async () => {
    const response = await inject({
      method: 'GET',
      url: `/api/apps/${fuzz.appId}/external-auth/tokens/%E0%A4%A`,
      headers: { 'x-request-id': 'bad-url-1' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/malformed percent-escape/);
    expect(response.headers['x-request-id']).toBe('bad-url-1');
  });
});
