import type { TokenResponse } from '@base44-connectors/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/accounts/users.js';
import { anApp, aUser } from '../support/accounts.js';
import { FormClient } from '../support/browserless.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { logIn, refresh } from '../support/login.js';
import { createTestServer, type TestServer } from '../support/server.js';

// Logging out must end something: RFC 7009 revocation of a CLI login (its refresh token family and
// so every access token issued for it), and browser sessions that end at a fixed lifetime however
// busy they are, as well as when idle.
describe.each(DATABASE_KINDS)('ending logins on %s', (kind) => {
  let server: TestServer;
  let user: User;
  let appId: string;

  beforeAll(async () => {
    server = await createTestServer(kind);
    user = await aUser(server.storage, 'ada@example.com');
    appId = await anApp(server.storage, user);
  });
  afterAll(() => server.close());

  const revoke = (fields: Record<string, string>) =>
    server.app.inject({
      method: 'POST',
      url: '/oauth/revoke',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
  const userinfo = (login: TokenResponse) =>
    server.app.inject({ url: '/oauth/userinfo', headers: { authorization: `Bearer ${login.access_token}` } });
  const list = (login: TokenResponse) =>
    server.app.inject({
      url: `/api/apps/${appId}/external-auth/list`,
      headers: { authorization: `Bearer ${login.access_token}` },
    });

  /** The login is over: its refresh token is refused, and its access token too, on every route. */
  async function expectEnded(login: TokenResponse) {
    const refreshed = await refresh(server.app, login.refresh_token);
    expect(refreshed.statusCode).toBe(400);
    expect(refreshed.json()).toMatchObject({ error: 'invalid_grant' });
    const info = await userinfo(login);
    expect(info.statusCode).toBe(401);
    expect(info.json()).toMatchObject({ code: 'invalid_token' });
    const api = await list(login);
    // As any credentials that are not valid (the API's own code; userinfo speaks RFC 6750).
    expect(api.statusCode).toBe(401);
    expect(api.json().code).toBe('unauthenticated');
  }

  it('revokes a device login by its refresh token: the refresh token and the access token are refused', async () => {
    const login = await logIn(server.app, user.email);
    const other = await logIn(server.app, user.email);
    expect((await list(login)).statusCode).toBe(200);

    const revoked = await revoke({
      token: login.refresh_token,
      token_type_hint: 'refresh_token',
      client_id: 'base44_cli',
    });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toEqual({});
    expect(revoked.headers['cache-control']).toBe('no-store');
    await expectEnded(login);
    // Another login of the same person goes on.
    expect((await list(other)).statusCode).toBe(200);
    expect((await refresh(server.app, other.refresh_token)).statusCode).toBe(200);
  });

  it('revokes the login of a refreshed token family, and by an access token, whatever the hint says', async () => {
    const first = await logIn(server.app, user.email);
    const rotated: TokenResponse = (await refresh(server.app, first.refresh_token)).json();
    const byAccess = await revoke({
      token: rotated.access_token,
      token_type_hint: 'refresh_token',
      client_id: 'base44_cli',
    });
    expect(byAccess.statusCode).toBe(200);
    await expectEnded(rotated);
    // The access token issued before the rotation belongs to the same login.
    expect((await userinfo(first)).statusCode).toBe(401);
  });

  it('answers 200 for a token it does not know, or one already revoked (RFC 7009 §2.2), and changes nothing', async () => {
    const login = await logIn(server.app, user.email);
    for (const token of ['not-a-token', 'x'.repeat(43), 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln']) {
      const answer = await revoke({ token, token_type_hint: 'access_token', client_id: 'base44_cli' });
      expect(answer.statusCode).toBe(200);
    }
    expect((await list(login)).statusCode).toBe(200);
    await revoke({ token: login.refresh_token, client_id: 'base44_cli' });
    expect((await revoke({ token: login.refresh_token, client_id: 'base44_cli' })).statusCode).toBe(200);
  });

  it('refuses a request without a token, or from an unknown client, in RFC 6749 terms', async () => {
    const login = await logIn(server.app, user.email);
    const missing = await revoke({ client_id: 'base44_cli' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ error: 'invalid_request' });
    const stranger = await revoke({ token: login.refresh_token, client_id: 'someone_else' });
    expect(stranger.statusCode).toBe(401);
    expect(stranger.json()).toMatchObject({ error: 'invalid_client' });
    expect((await refresh(server.app, login.refresh_token)).statusCode).toBe(200);
  });

  describe('browser sessions', () => {
    const signedIn = async () => {
      const browser = new FormClient(server.app);
      await browser.get('/dashboard/sign-in');
      const signIn = await browser.post('/dashboard/sign-in', {
        email: user.email,
        password: 'correct horse battery staple',
      });
      expect(signIn.statusCode).toBe(303);
      return browser;
    };
    const isSignedIn = async (browser: FormClient) => (await browser.get('/dashboard')).statusCode === 200;

    it('ends a session 7 days after sign-in, however busy it is', async () => {
      const browser = await signedIn();
      const started = server.clock.now();
      try {
        // Used every 6 hours: never idle for 12 hours, but busy for longer than the lifetime.
        for (let hours = 6; hours < 7 * 24; hours += 6) {
          server.clock.advance(6 * 3600);
          expect(await isSignedIn(browser), `${hours} hours after sign-in`).toBe(true);
        }
        server.clock.millis = started + 7 * 24 * 3600 * 1000;
        expect(await isSignedIn(browser)).toBe(false);
      } finally {
        server.clock.millis = started;
      }
    });

    it('ends a session unused for 12 hours, and its cookie may live as long as the lifetime', async () => {
      const browser = new FormClient(server.app);
      await browser.get('/dashboard/sign-in');
      const signIn = await browser.post('/dashboard/sign-in', {
        email: user.email,
        password: 'correct horse battery staple',
      });
      const cookie = (signIn.cookies as { name: string; maxAge?: number }[]).find(
        (c) => c.name === 'b44_session',
      );
      expect(cookie?.maxAge).toBe(7 * 24 * 3600);
      const started = server.clock.now();
      try {
        server.clock.advance(11 * 3600);
        expect(await isSignedIn(browser)).toBe(true);
        server.clock.advance(12 * 3600 - 1);
        expect(await isSignedIn(browser)).toBe(true);
        server.clock.advance(12 * 3600);
        expect(await isSignedIn(browser)).toBe(false);
      } finally {
        server.clock.millis = started;
      }
    });
  });
});
