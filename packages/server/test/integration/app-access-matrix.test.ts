import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeKey } from '../../src/accounts/api-keys.js';
import type { AppScopedRoute } from '../../src/routes/app-scope.js';
import { anApp, aServiceKey, aUser, aWorkspaceKey } from '../support/accounts.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { logIn } from '../support/login.js';
import { createTestServer, type TestServer } from '../support/server.js';

/** How a credential fares on a route: the guard lets it through, or answers 401 / 403. */
type Verdict = 'through' | 401 | 403;

interface Caller {
  name: string;
  headers: Record<string, string>;
  /** The app id put in the URL. */
  appId: 'own' | 'unknown';
  verdict: (route: AppScopedRoute) => Verdict;
}

const always =
  (verdict: Verdict) =>
  (_route: AppScopedRoute): Verdict =>
    verdict;

// Generated, not listed: every route registered under /api/apps/{appId} meets every caller.
describe.each(DATABASE_KINDS)('the access matrix of /api/apps/{appId} routes on %s', (kind) => {
  let server: TestServer;
  const callers: Caller[] = [];
  let appId = '';

  beforeAll(async () => {
    server = await createTestServer(kind);
    const { storage } = server;
    const member = await aUser(storage, 'member@example.com');
    const outsider = await aUser(storage, 'outsider@example.com');
    appId = await anApp(storage, member);
    const otherApp = await anApp(storage, outsider);

    const memberToken = (await logIn(server.app, 'member@example.com')).access_token;
    const outsiderToken = (await logIn(server.app, 'outsider@example.com')).access_token;
    const revokedKey = await aWorkspaceKey(storage, member);
    await revokeKey(storage.db, revokedKey, Date.now());
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

    callers.push(
      { name: 'no credentials', headers: {}, appId: 'own', verdict: always(401) },
      { name: 'a malformed bearer token', headers: bearer('not-a-jwt'), appId: 'own', verdict: always(401) },
      {
        name: 'a revoked workspace key',
        headers: { api_key: revokedKey },
        appId: 'own',
        verdict: always(401),
      },
      {
        name: "a member's access token",
        headers: bearer(memberToken),
        appId: 'own',
        verdict: always('through'),
      },
      {
        name: "a member's workspace key",
        headers: { api_key: await aWorkspaceKey(storage, member) },
        appId: 'own',
        verdict: always('through'),
      },
      {
        name: "another user's access token",
        headers: bearer(outsiderToken),
        appId: 'own',
        verdict: always(403),
      },
      {
        name: "another user's workspace key",
        headers: { api_key: await aWorkspaceKey(storage, outsider) },
        appId: 'own',
        verdict: always(403),
      },
      {
        name: "a member's token on an unknown app",
        headers: bearer(memberToken),
        appId: 'unknown',
        verdict: always(403),
      },
      {
        name: "the app's own service key",
        headers: { ...bearer(await aServiceKey(storage, appId)), 'x-app-id': appId },
        appId: 'own',
        verdict: (route) => (route.serviceKeyAccess ? 'through' : 403),
      },
      {
        name: "another app's service key",
        headers: { ...bearer(await aServiceKey(storage, otherApp)), 'x-app-id': otherApp },
        appId: 'own',
        verdict: always(403),
      },
    );
  });
  afterAll(() => server.close());

  it('covers the app routes the server registers', () => {
    expect(server.app.appScopedRoutes.length).toBeGreaterThanOrEqual(3);
  });

  it('gives every caller the status its credentials deserve on every route', async () => {
    const mismatches: string[] = [];
    for (const route of server.app.appScopedRoutes) {
      for (const caller of callers) {
        const url = concreteUrl(route.url, caller.appId === 'own' ? appId : 'a0a0a0a0a0a0a0a0a0a0a0a0');
        const response = await server.app.inject({
          method: route.method as 'GET',
          url,
          headers: caller.headers,
        });
        const expected = caller.verdict(route);
        if (!matches(response, expected)) {
          mismatches.push(
            `${route.method} ${url} with ${caller.name}: expected ${expected}, got ${response.statusCode}`,
          );
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('tells an expired login apart from bad credentials', async () => {
    const token = (await logIn(server.app, 'member@example.com')).access_token;
    server.clock.advance(3601);
    const response = await server.app.inject({
      method: 'GET',
      url: `/api/apps/${appId}/payments/stripe/status`,
      headers: { authorization: `Bearer ${token}` },
    });
    server.clock.advance(-3601);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'token_expired' });
  });
});

function concreteUrl(pattern: string, appId: string): string {
  return pattern.replace(':appId', appId).replace(/:(\w+)/g, 'slack');
}

function matches(response: LightMyRequestResponse, expected: Verdict): boolean {
  if (expected === 'through') return response.statusCode !== 401 && response.statusCode !== 403;
  return response.statusCode === expected && typeof response.json().message === 'string';
}
