import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/accounts/users.js';
import { createAttempt } from '../../src/connectors/attempts.js';
import { anApp, aUser, aWebSession, PASSWORD } from '../support/accounts.js';
import { FormClient } from '../support/browserless.js';
import { anActiveConnector } from '../support/connectors.js';
import type { RegisteredRoute } from '../support/fastify-recorder.js';
import { createTestServer, type TestServer } from '../support/server.js';

/** Where attackers try to send a browser; a WHATWG URL parser (as browsers have) reads each one. */
const HOSTILE = [
  '//evil.example',
  'https://evil.example/',
  '/\\evil.example',
  'javascript:alert(document.domain)',
  '/%2F%2Fevil.example',
];

/** Every field a redirect target could be read from, on any route, as query or form field. */
const TARGET_FIELDS = [
  'app',
  'user_code',
  'next',
  'redirect',
  'redirect_uri',
  'return_to',
  'continue',
  'url',
  'removed',
  'state',
];

/** The routes that redirect (every `reply.redirect` in src), each of which must be seen doing it. */
const REDIRECTING = [
  'GET /',
  'GET /dashboard',
  'GET /dashboard/sign-in',
  'POST /dashboard/sign-in',
  'POST /dashboard/sign-out',
  'GET /dashboard/apps/:appId',
  'POST /dashboard/apps/:appId/connectors/:type/authorize',
  'POST /dashboard/apps/:appId/connectors/:type/remove',
  'POST /device/sign-in',
  'POST /device/decision',
  'POST /device/sign-out',
  'POST /oauth/start/:connectionId',
];

// Generated over every GET and POST route: hostile targets in every path parameter and in every
// field a target could come from, for a browser signed in and one that is not. No answer may send
// the browser anywhere but this server (the sandbox provider's consent page is on it too).
describe('redirects under hostile targets', () => {
  let server: TestServer;
  let owner: User;
  let appId: string;
  let addresses = 0;
  /** One CSRF secret cookie and its token, shared by every browser: the forms must get past CSRF. */
  const csrf = { cookie: '', token: '' };

  beforeAll(async () => {
    server = await createTestServer('sqlite', { sandbox: true });
    owner = await aUser(server.storage, 'owner@example.com');
    appId = await anApp(server.storage, owner);
    const browser = new FormClient(server.app);
    await browser.get('/device');
    csrf.cookie = browser.cookie('b44_csrf')!;
    csrf.token = browser.lastCsrfToken;
  });
  afterAll(() => server.close());

  /** An active slack connector and a pending attempt, so removing, authorizing and starting all redirect. */
  async function setTheScene(): Promise<string> {
    const now = server.clock.now();
    await anActiveConnector(server, appId, 'slack', { userId: owner.id });
    const attempt = await createAttempt(
      server.storage.db,
      { appId, type: 'notion', scopes: [], userId: owner.id },
      now,
    );
    return attempt.id;
  }

  async function send(route: RegisteredRoute, target: string, params: 'real' | 'hostile', signedIn: boolean) {
    const real: Record<string, string> = { appId, type: 'slack', '*': 'auth' };
    if (params === 'real' && /:\w/.test(route.url)) real.connectionId = await setTheScene();
    const path = route.url.replace(/:(\w+)|\*/g, (whole, name: string | undefined) =>
      encodeURIComponent(params === 'hostile' ? target : real[name ?? whole]!),
    );
    const fields: Record<string, string> = {
      ...Object.fromEntries(TARGET_FIELDS.map((field) => [field, target])),
      email: owner.email,
      password: PASSWORD,
      decision: 'approve',
      client_id: 'base44-server',
      response_type: 'code',
      scope: 'openid',
    };
    addresses++;
    const browser = new FormClient(
      server.app,
      `10.1.${Math.floor(addresses / 250)}.${(addresses % 250) + 1}`,
    );
    browser.setCookie('b44_csrf', csrf.cookie);
    browser.lastCsrfToken = csrf.token;
    if (signedIn)
      browser.setCookie('b44_session', await aWebSession(server.storage, owner, server.clock.now()));
    if (route.method === 'GET') return browser.get(`${path}?${new URLSearchParams(fields)}`);
    return browser.post(path, fields);
  }

  it('never sends the browser off this server, from any route, whatever target it is given', async () => {
    const origin = new URL(server.url).origin;
    const offSite: string[] = [];
    const redirected = new Set<string>();
    const routes = server.recording.routes.filter(
      (route) => route.method === 'GET' || route.method === 'POST',
    );
    for (const route of routes) {
      const name = `${route.method} ${route.url}`;
      const variants = /[:*]/.test(route.url) ? (['real', 'hostile'] as const) : (['real'] as const);
      for (const target of HOSTILE) {
        for (const params of variants) {
          for (const signedIn of [false, true]) {
            const response = await send(route, target, params, signedIn);
            const location = response.headers.location;
            if (typeof location !== 'string') continue;
            redirected.add(name);
            const resolved = new URL(location, server.url);
            if (resolved.origin !== origin || !/^https?:$/.test(resolved.protocol)) {
              offSite.push(
                `${name} (${params} params, ${signedIn ? 'signed in' : 'anonymous'}, ${target}) → ${location}`,
              );
            }
          }
        }
      }
    }
    expect(offSite).toEqual([]);
    expect(REDIRECTING.filter((name) => !redirected.has(name))).toEqual([]);
  });
});
