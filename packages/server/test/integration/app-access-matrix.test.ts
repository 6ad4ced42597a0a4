import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeKey } from '../../src/accounts/api-keys.js';
import { anApp, aServiceKey, aUser, aWebSession, aWorkspaceKey } from '../support/accounts.js';
import { DATABASE_KINDS } from '../support/databases.js';
import type { RegisteredRoute } from '../support/fastify-recorder.js';
import { logIn } from '../support/login.js';
import { createTestServer, type TestServer } from '../support/server.js';

/**
 * How a caller fares on a route: the guard lets it through, answers 401 / 403, sends the browser to
 * the dashboard's sign-in page, or answers exactly as it answers a caller without credentials.
 */
type Verdict = 'through' | 401 | 403 | 'sign-in' | 'as-anonymous';

/** What guards a route: its credential, or `public` when the route needs none (and says why). */
type Guard =
  | 'public'
  | 'access-token'
  | 'browser-session'
  | 'browser-form'
  | 'app-member'
  | 'app-token-reader';

// Every route outside /api/apps/{appId} and what guards it; `*` stands for every method. A route
// the server registers that is neither here nor in the app-scope registry fails the matrix: a new
// route gets a verdict before it ships. An entry that matches no route fails it too.
const GUARDS: Record<string, Guard> = {
  'GET /': 'public', // a redirect to /dashboard
  'GET /health': 'public',
  'GET /schemas/connector-file.json': 'public',
  'GET /openapi.json': 'public',
  'POST /oauth/device/code': 'public', // anyone may start a CLI login
  'POST /oauth/token': 'public', // the device code or refresh token in the body is the credential
  'POST /oauth/revoke': 'public', // the token in the body is the credential (RFC 7009)
  'GET /oauth/userinfo': 'access-token',
  'GET /oauth/start/:connectionId': 'public', // the 128-bit attempt id; the page only shows what it would do
  'POST /oauth/start/:connectionId': 'browser-form', // Continue: the attempt id and the page's CSRF token
  'GET /oauth/callback': 'public', // the single-use state is the credential
  'GET /device': 'public', // the sign-in form, or the code form for a signed-in browser
  'POST /device/sign-in': 'browser-form',
  'POST /device/decision': 'browser-form',
  'POST /device/sign-out': 'browser-form',
  'GET /dashboard': 'browser-session',
  'GET /dashboard/sign-in': 'public',
  'POST /dashboard/sign-in': 'browser-form',
  'POST /dashboard/sign-out': 'browser-form',
  'GET /dashboard/apps/:appId': 'browser-session',
  'POST /dashboard/apps/:appId/connectors/:type/authorize': 'browser-form',
  'GET /dashboard/apps/:appId/connectors/:type/remove': 'browser-session',
  'POST /dashboard/apps/:appId/connectors/:type/remove': 'browser-form',
  '* /sandbox': 'public', // the sandbox provider: oidc-provider checks its own clients and sessions
  '* /sandbox/*': 'public',
};

/** The routes every caller meets the same way: public ones, and forms (no caller here holds a CSRF token). */
const SHARED_VERDICTS: Partial<Record<Guard, Verdict>> = { public: 'as-anonymous', 'browser-form': 403 };

interface Caller {
  name: string;
  headers: Record<string, string>;
  /** The app id put in the URL. */
  appId: 'own' | 'unknown';
  verdicts: Partial<Record<Guard, Verdict | ((route: RegisteredRoute) => Verdict)>>;
}

/** Credentials that do not name a signed-in browser: no dashboard page opens for them. */
const apiCaller = (
  name: string,
  headers: Record<string, string>,
  api: Verdict | ((guard: Guard) => Verdict),
  userinfo: Verdict,
  appId: Caller['appId'] = 'own',
): Caller => {
  const onApp = (guard: Guard) => (typeof api === 'function' ? api(guard) : api);
  return {
    name,
    headers,
    appId,
    verdicts: {
      'app-member': onApp('app-member'),
      'app-token-reader': onApp('app-token-reader'),
      'access-token': userinfo,
      'browser-session': 'sign-in',
    },
  };
};

// Generated, not listed: every route the server registers meets every caller.
describe.each(DATABASE_KINDS)('the access matrix of every route on %s', (kind) => {
  let server: TestServer;
  const callers: Caller[] = [];
  let appId = '';

  beforeAll(async () => {
    server = await createTestServer(kind, { sandbox: true });
    const { storage, clock } = server;
    const member = await aUser(storage, 'member@example.com');
    const outsider = await aUser(storage, 'outsider@example.com');
    appId = await anApp(storage, member);
    const otherApp = await anApp(storage, outsider);

    const memberToken = (await logIn(server.app, 'member@example.com')).access_token;
    const outsiderToken = (await logIn(server.app, 'outsider@example.com')).access_token;
    clock.advance(-2 * 3600);
    const expiredToken = (await logIn(server.app, 'member@example.com')).access_token;
    clock.advance(2 * 3600);
    const revokedKey = await aWorkspaceKey(storage, member);
    await revokeKey(storage.db, revokedKey, Date.now());
    const memberKey = await aWorkspaceKey(storage, member);
    const ownServiceKey = await aServiceKey(storage, appId);
    const otherServiceKey = await aServiceKey(storage, otherApp);
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const session = async (user: typeof member) => ({
      cookie: `b44_session=${await aWebSession(storage, user, clock.now())}`,
    });

    callers.push(
      apiCaller('no credentials', {}, 401, 401),
      apiCaller('a malformed bearer token', bearer('not-a-jwt'), 401, 401),
      apiCaller("a member's expired access token", bearer(expiredToken), 401, 401),
      apiCaller('a revoked workspace key', { api_key: revokedKey }, 401, 401),
      apiCaller("a member's access token", bearer(memberToken), 'through', 'through'),
      apiCaller("a member's workspace key", { api_key: memberKey }, 'through', 401),
      apiCaller("a member's workspace key as a bearer token", bearer(memberKey), 'through', 'through'),
      apiCaller("another user's access token", bearer(outsiderToken), 403, 'through'),
      apiCaller(
        "another user's workspace key",
        { api_key: await aWorkspaceKey(storage, outsider) },
        403,
        401,
      ),
      apiCaller("a member's token on an unknown app", bearer(memberToken), 403, 'through', 'unknown'),
      apiCaller(
        "the app's own service key",
        { ...bearer(ownServiceKey), 'x-app-id': appId },
        (guard) => (guard === 'app-token-reader' ? 'through' : 403),
        401,
      ),
      apiCaller("another app's service key", { ...bearer(otherServiceKey), 'x-app-id': otherApp }, 403, 401),
      apiCaller(
        "another app's service key claiming this app",
        { ...bearer(otherServiceKey), 'x-app-id': appId },
        403,
        401,
      ),
      {
        name: "a member's dashboard session (cookies never authenticate the API)",
        headers: await session(member),
        appId: 'own',
        verdicts: {
          'app-member': 401,
          'app-token-reader': 401,
          'access-token': 401,
          'browser-session': 'through',
          public: 'through',
        },
      },
      {
        name: "another user's dashboard session",
        headers: await session(outsider),
        appId: 'own',
        verdicts: {
          'app-member': 401,
          'app-token-reader': 401,
          'access-token': 401,
          'browser-session': (route) => (route.url.includes(':appId') ? 403 : 'through'),
          public: 'through',
        },
      },
    );
  });
  afterAll(() => server.close());

  function guardOf(route: RegisteredRoute): Guard | undefined {
    const appScoped = server.app.appScopedRoutes.find(
      (candidate) => candidate.method === route.method && candidate.url === route.url,
    );
    if (appScoped) return appScoped.serviceKeyAccess ? 'app-token-reader' : 'app-member';
    return GUARDS[`${route.method} ${route.url}`] ?? GUARDS[`* ${route.url}`];
  }

  it('knows what guards every route the server registers, and no route it does not', () => {
    const routes = server.recording.routes;
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.filter((route) => !guardOf(route)).map((route) => `${route.method} ${route.url}`)).toEqual(
      [],
    );
    const stale = Object.keys(GUARDS).filter((key) => {
      const [method, url] = key.split(' ');
      return !routes.some((route) => route.url === url && (method === '*' || route.method === method));
    });
    expect(stale).toEqual([]);
  });

  it('gives every caller the status its credentials deserve on every route', async () => {
    const mismatches: string[] = [];
    for (const route of server.recording.routes) {
      const guard = guardOf(route)!;
      const anonymous = await call(route, { headers: {}, appId: 'own' }, 0);
      for (const [index, caller] of callers.entries()) {
        const response = await call(route, caller, index + 1);
        const stated = caller.verdicts[guard] ?? SHARED_VERDICTS[guard];
        const expected = typeof stated === 'function' ? stated(route) : stated;
        if (!expected) throw new Error(`no verdict for ${caller.name} on a ${guard} route`);
        if (!matches(response, expected, anonymous)) {
          mismatches.push(
            `${route.method} ${route.url} (${guard}) with ${caller.name}: expected ${expected}, got ${response.statusCode}`,
          );
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('tells an expired login apart from bad credentials', async () => {
    const expiredCaller = callers.find((caller) => caller.name.includes('expired'))!;
    const response = await server.app.inject({
      method: 'GET',
      url: `/api/apps/${appId}/payments/stripe/status`,
      headers: expiredCaller.headers,
    });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'token_expired' });
  });

  /** One request of `caller` to `route`, from an address of its own (rate limits count per address). */
  function call(route: RegisteredRoute, caller: Pick<Caller, 'headers' | 'appId'>, index: number) {
    const url = route.url
      .replace(':appId', caller.appId === 'own' ? appId : 'a0a0a0a0a0a0a0a0a0a0a0a0')
      .replace(':connectionId', '0'.repeat(32))
      .replace(/:\w+/g, 'slack')
      .replace(/\*$/, '');
    return server.app.inject({
      method: route.method as 'GET',
      url,
      headers: caller.headers,
      remoteAddress: `203.0.113.${index + 1}`,
    });
  }
});

function matches(
  response: LightMyRequestResponse,
  expected: Verdict,
  anonymous: LightMyRequestResponse,
): boolean {
  const { statusCode: status } = response;
  switch (expected) {
    case 'through':
      return status !== 401 && status !== 403 && !isSignInRedirect(response);
    case 'as-anonymous':
      return status === anonymous.statusCode && response.headers.location === anonymous.headers.location;
    case 'sign-in':
      return isSignInRedirect(response);
    default:
      return status === expected && hasMessage(response);
  }
}

function isSignInRedirect(response: LightMyRequestResponse): boolean {
  return response.statusCode === 303 && String(response.headers.location).startsWith('/dashboard/sign-in');
}

/** A refusal says why: a JSON message for the API, a page for the browser. */
function hasMessage(response: LightMyRequestResponse): boolean {
  if (String(response.headers['content-type']).startsWith('text/html')) return response.body.includes('<h1');
  return typeof response.json().message === 'string';
}
