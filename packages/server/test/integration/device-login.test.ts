import { DeviceCodeResponse, TokenResponse } from '@base44-connectors/contract';
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aUser } from '../support/accounts.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { decideInBrowser, logIn, pollToken, refresh, requestDeviceCode } from '../support/login.js';
import { createTestServer, type TestServer } from '../support/server.js';

describe.each(DATABASE_KINDS)('device login on %s', (kind) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await createTestServer(kind);
    await aUser(server.storage, 'alice@example.com');
  });
  afterEach(() => server.close());

  it('answers a device code request with the RFC 8628 fields and an XXXX-XXXX user code', async () => {
    const code = await requestDeviceCode(server.app);
    expect(DeviceCodeResponse.parse(code)).toEqual(code);
    expect(code.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(code.verification_uri).toBe(`${server.config.publicUrl}/device`);
    expect(code.verification_uri_complete).toBe(
      `${server.config.publicUrl}/device?user_code=${code.user_code}`,
    );
    expect(code.expires_in).toBe(600);
    expect(code.interval).toBe(5);
  });

  it('answers authorization_pending until the person approves, then issues tokens once', async () => {
    const code = await requestDeviceCode(server.app);
    const pending = await pollToken(server.app, code.device_code);
    expect(pending.statusCode).toBe(400);
    expect(pending.json()).toEqual({ error: 'authorization_pending' });

    await decideInBrowser(server.app, code.user_code, 'alice@example.com', 'approve');
    server.clock.advance(5);
    const granted = await pollToken(server.app, code.device_code);
    expect(granted.statusCode).toBe(200);
    expect(granted.headers['cache-control']).toBe('no-store');
    const tokens = TokenResponse.parse(granted.json());
    expect(tokens.scope).toBe('apps:read apps:write sandbox:write');
    const claims = decodeJwt(tokens.access_token);
    expect(claims.sub).toBe('alice@example.com');
    expect(claims.exp).toBe(Math.floor(server.clock.millis / 1000) + 3600);

    server.clock.advance(5);
    const again = await pollToken(server.app, code.device_code);
    expect(again.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('answers slow_down to a poll that comes sooner than the interval', async () => {
    const code = await requestDeviceCode(server.app);
    await pollToken(server.app, code.device_code);
    server.clock.advance(1);
    expect((await pollToken(server.app, code.device_code)).json()).toEqual({ error: 'slow_down' });
    server.clock.advance(5);
    expect((await pollToken(server.app, code.device_code)).json()).toEqual({
      error: 'authorization_pending',
    });
  });

  it('answers access_denied after the person denies', async () => {
    const code = await requestDeviceCode(server.app);
    await decideInBrowser(server.app, code.user_code, 'alice@example.com', 'deny');
    const response = await pollToken(server.app, code.device_code);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'access_denied' });
  });

  it('answers expired_token after ten minutes, and the page no longer accepts the code', async () => {
    const code = await requestDeviceCode(server.app);
    server.clock.advance(601);
    expect((await pollToken(server.app, code.device_code)).json()).toMatchObject({ error: 'expired_token' });
    await expect(decideInBrowser(server.app, code.user_code, 'alice@example.com', 'approve')).rejects.toThrow(
      /no confirmation page: 400 .*That code is not valid, or it has expired/s,
    );
  });

  it('refuses an unknown device code and an unknown client', async () => {
    expect((await pollToken(server.app, 'not-a-code')).json()).toMatchObject({ error: 'invalid_grant' });
    const response = await server.app.inject({
      method: 'POST',
      url: '/oauth/device/code',
      payload: { client_id: 'someone_else' },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('rotates refresh tokens and refuses an old one, ending the whole login', async () => {
    const first = await logIn(server.app, 'alice@example.com');
    const rotated = await refresh(server.app, first.refresh_token);
    expect(rotated.statusCode).toBe(200);
    const second = TokenResponse.parse(rotated.json());
    expect(second.refresh_token).not.toBe(first.refresh_token);

    const replay = await refresh(server.app, first.refresh_token);
    expect(replay.statusCode).toBe(400);
    expect(replay.json()).toMatchObject({ error: 'invalid_grant' });
    // The replay revoked the family: the token issued after the leaked one no longer works either.
    expect((await refresh(server.app, second.refresh_token)).json()).toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('names the user at /oauth/userinfo and refuses an expired access token', async () => {
    const tokens = await logIn(server.app, 'alice@example.com');
    const userinfo = await server.app.inject({
      method: 'GET',
      url: '/oauth/userinfo',
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(userinfo.json()).toEqual({ email: 'alice@example.com', name: 'alice' });

    server.clock.advance(3601);
    const expired = await server.app.inject({
      method: 'GET',
      url: '/oauth/userinfo',
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(expired.statusCode).toBe(401);
  });
});
