import { unsafeCharacterMessage } from '@base44-connectors/contract';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/accounts/apps.js';
import { createUser } from '../../src/accounts/users.js';
import { anApp, aUser, aWorkspaceKey } from '../support/accounts.js';
import { FormClient } from '../support/browserless.js';
import { createTestServer, type TestServer } from '../support/server.js';

/** Each class of character no field takes, with the code point the answer names. */
const UNSAFE = [
  ['ESC (C0)', '\u001b[31m', 'U+001B'],
  ['NUL', '\u0000', 'U+0000'],
  ['newline', '\n', 'U+000A'],
  ['DEL', '\u007f', 'U+007F'],
  ['NEL (C1)', '\u0085', 'U+0085'],
  ['CSI (C1)', '\u009b', 'U+009B'],
  ['right-to-left override', '\u202e', 'U+202E'],
  ['left-to-right embedding', '\u202a', 'U+202A'],
  ['first strong isolate', '\u2068', 'U+2068'],
  ['pop directional isolate', '\u2069', 'U+2069'],
] as const;

// Refusing text happens before any storage is reached: SQLite alone covers it.
describe('control and bidirectional characters, refused at every string input', () => {
  let server: TestServer;
  let appId = '';
  let apiKey = '';
  beforeAll(async () => {
    server = await createTestServer('sqlite');
    const owner = await aUser(server.storage, 'owner@example.com');
    appId = await anApp(server.storage, owner);
    apiKey = await aWorkspaceKey(server.storage, owner);
  });
  afterAll(() => server.close());

  const api = (options: InjectOptions) =>
    server.app.inject({ ...options, headers: { api_key: apiKey, ...options.headers } });
  const apiPath = (path: string) => `/api/apps/${appId}/external-auth/${path}`;

  /** The JSON API: each input, with the field name the 422 must carry. */
  const apiInputs: [string, (bad: string) => InjectOptions, string][] = [
    [
      'PUT scopes',
      (bad) => ({
        method: 'PUT',
        url: apiPath('integrations/slack'),
        payload: { scopes: ['ok', `a${bad}`] },
      }),
      'scopes.1',
    ],
    [
      'PUT, a key of the body',
      (bad) => ({
        method: 'PUT',
        url: apiPath('integrations/slack'),
        payload: { scopes: [], [`x${bad}`]: 1 },
      }),
      `x${'\u0000'}`,
    ],
    [
      'plan scopes',
      (bad) => ({
        method: 'POST',
        url: apiPath('plan'),
        payload: { connectors: [{ type: 'slack', scopes: [bad] }], prune: false },
      }),
      'connectors.0.scopes.0',
    ],
    [
      'plan type',
      (bad) => ({
        method: 'POST',
        url: apiPath('plan'),
        payload: { connectors: [{ type: `slack${bad}`, scopes: [] }], prune: false },
      }),
      'connectors.0.type',
    ],
    [
      'apply scopes',
      (bad) => ({
        method: 'POST',
        url: apiPath('apply'),
        payload: { connectors: [{ type: 'slack', scopes: [bad] }], prune: false, expected_revision: 0 },
      }),
      'connectors.0.scopes.0',
    ],
    [
      'status connection_id',
      (bad) => ({
        url: `${apiPath('status')}?integration_type=slack&connection_id=${encodeURIComponent(`a${bad}`)}`,
      }),
      'connection_id',
    ],
    [
      'status integration_type',
      (bad) => ({
        url: `${apiPath('status')}?integration_type=${encodeURIComponent(`slack${bad}`)}&connection_id=a`,
      }),
      'integration_type',
    ],
    [
      'the {type} of the path',
      (bad) => ({
        method: 'PUT',
        url: apiPath(`integrations/${encodeURIComponent(`slack${bad}`)}`),
        payload: { scopes: [] },
      }),
      'type',
    ],
  ];

  describe.each(UNSAFE)('%s', (_name, bad, codePoint) => {
    it.each(apiInputs)('%s: 422 naming the field', async (_input, request, field) => {
      const response = await api(request(bad));
      expect(response.statusCode).toBe(422);
      const body = response.json();
      expect(body.code).toBe('validation_failed');
      const name = field.replace('\u0000', bad);
      expect(body.extra_data).toEqual({ errors: [{ name, message: unsafeCharacterMessage(codePoint) }] });
      expect(body.message).toContain(JSON.stringify(name));
    });

    it.each([
      ['device code: scope', { client_id: 'base44_cli', scope: `apps:read${bad}` }, '"scope"'],
      ['device code: client_id', { client_id: `base44_cli${bad}` }, '"client_id"'],
    ])('%s: RFC 6749 invalid_request naming the field', async (_input, payload, field) => {
      const response = await server.app.inject({ method: 'POST', url: '/oauth/device/code', payload });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toBe('invalid_request');
      expect(response.json().error_description).toContain(field);
      expect(response.json().error_description).toContain(codePoint);
    });

    it('token endpoint, a form field: RFC 6749 invalid_request naming the field', async () => {
      const response = await server.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: `r${bad}`,
          client_id: 'base44_cli',
        }).toString(),
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error_description).toContain('"refresh_token"');
    });

    it('the user_code of the device page link: a 422 page', async () => {
      const response = await server.app.inject({
        url: `/device?user_code=${encodeURIComponent(`BCDF${bad}`)}`,
      });
      expect(response.statusCode).toBe(422);
      expect(response.body).toContain('has a control or bidirectional character');
    });

    it('user and app names and emails of the admin commands: refused, nothing stored', async () => {
      const owner = await aUser(server.storage, `admin-${codePoint}@example.com`);
      const now = server.clock.now();
      await expect(
        createUser(
          server.storage.db,
          { email: `n-${codePoint}@example.com`, name: `Ev${bad}e`, passwordHash: 'x' },
          now,
        ),
      ).rejects.toThrow(`The name ${unsafeCharacterMessage(codePoint)}`);
      await expect(
        createUser(server.storage.db, { email: `e${bad}@example.com`, passwordHash: 'x' }, now),
      ).rejects.toThrow(`The email ${unsafeCharacterMessage(codePoint)}`);
      await expect(createApp(server.storage.db, `Ap${bad}p`, owner, now)).rejects.toThrow(
        `The app name ${unsafeCharacterMessage(codePoint)}`,
      );
    });
  });

  // Sign-in forms are rate limited per address (10 a minute): two characters cover them.
  describe.each(UNSAFE.filter(([, , codePoint]) => ['U+001B', 'U+202E'].includes(codePoint)))(
    'forms, %s',
    (_name, bad) => {
      it.each([
        [
          '/dashboard/sign-in',
          '/dashboard/sign-in',
          { email: `owner${bad}@example.com`, password: 'x', app: '' },
          'email',
        ],
        [
          '/dashboard/sign-in',
          '/dashboard/sign-in',
          { email: 'owner@example.com', password: `x${bad}`, app: '' },
          'password',
        ],
        [
          '/device',
          '/device/sign-in',
          { email: 'owner@example.com', password: 'x', user_code: `BCDF${bad}` },
          'user_code',
        ],
      ])('the form of %s (%s): a 422 page naming %s', async (page, action, fields, field) => {
        const browser = new FormClient(server.app);
        await browser.get(page);
        const response = await browser.post(action, fields);
        expect(response.statusCode).toBe(422);
        expect(response.headers['content-type']).toMatch(/text\/html/);
        expect(response.body).toMatch(
          new RegExp(`field (&quot;|&#34;|")${field}(&quot;|&#34;|") has a control`),
        );
      });
    },
  );

  it('takes scopes of printable Unicode, and refuses a scope with a space as one scope', async () => {
    const fine = await api({
      method: 'POST',
      url: apiPath('plan'),
      payload: {
        connectors: [{ type: 'slack', scopes: ['chat:write', 'https://x.example/ü'] }],
        prune: false,
      },
    });
    // Past validation: the scopes are fine; this server has no slack credentials.
    expect(fine.json().code, fine.body).toBe('provider_not_configured');
    const spaced = await api({
      method: 'PUT',
      url: apiPath('integrations/slack'),
      payload: { scopes: ['chat:write users:read'] },
    });
    expect(spaced.statusCode).toBe(422);
    expect(spaced.json().extra_data.errors).toEqual([
      { name: 'scopes.0', message: 'must be one scope, without spaces or control characters' },
    ]);
  });
});
