import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPage } from '../support/browser.js';
import {
  authorizationRequest,
  connect,
  expectPage,
  Person,
  type RunningSandbox,
  refresh,
  startSandbox,
  whoami,
} from '../support/sandbox.js';

describe('what the sandbox refuses', () => {
  let running: RunningSandbox;
  beforeAll(async () => {
    running = await startSandbox();
  });
  afterAll(() => running.close());

  it('Deny on the consent page sends error=access_denied, with state and iss, to the redirect URI', async () => {
    const request = await authorizationRequest(running, 'chat:write');

    const { callback } = await new Person(running).authorize(request, { decision: 'deny' });

    expect(`${callback.origin}${callback.pathname}`).toBe(running.redirectUri);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('code')).toBeNull();
    expect(callback.searchParams.get('state')).toBe(request.state);
    expect(callback.searchParams.get('iss')).toBe(running.issuer);
  });

  it('refuses an authorization request without a PKCE challenge before any page is shown', async () => {
    const request = await authorizationRequest(running, 'chat:write', (params) => {
      params.delete('code_challenge');
      params.delete('code_challenge_method');
    });

    const result = await new Person(running).open(request.url);

    expect(isPage(result)).toBe(false);
    const callback = new URL(isPage(result) ? '' : result.redirectedTo);
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('refuses the plain PKCE method', async () => {
    const request = await authorizationRequest(running, 'chat:write', (params) => {
      params.set('code_challenge', params.get('code_challenge')!.padEnd(43, 'a'));
      params.set('code_challenge_method', 'plain');
    });

    const result = await new Person(running).open(request.url);

    const callback = new URL(isPage(result) ? '' : result.redirectedTo);
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toMatch(/code_challenge_method/);
  });

  it('refuses a redirect URI that is not registered exactly, on its own page and without redirecting', async () => {
    const request = await authorizationRequest(running, 'chat:write', (params) => {
      params.set('redirect_uri', `${running.redirectUri}/elsewhere`);
    });

    const page = expectPage(await new Person(running).open(request.url));

    expect(page.status).toBe(400);
    expect(page.body).toContain('redirect_uri');
    expect(page.body).toContain('SANDBOX');
  });

  it('refuses a refresh token that was already rotated with invalid_grant, and ends that grant', async () => {
    const first = await connect(running, 'chat:write');
    const second = await refresh(running, first.refreshToken);

    await expect(refresh(running, first.refreshToken)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(refresh(running, second.refreshToken)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await whoami(running, second.accessToken)).status).toBe(401);
  });

  it('answers whoami without a token, or with an unknown one, with 401 JSON', async () => {
    const missing = await fetch(running.sandbox.endpoints.api);
    const unknown = await whoami(running, 'not-a-token');

    for (const response of [missing, unknown]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(await response.json()).toMatchObject({ error: 'invalid_token' });
    }
  });

  it('does not accept a refresh token as an access token at whoami', async () => {
    const tokens = await connect(running, 'chat:write');

    expect((await whoami(running, tokens.refreshToken)).status).toBe(401);
  });

  it('answers 404 for a path that only looks like its mount path', async () => {
    const response = await fetch(`${running.origin}/sandboxes/auth`);

    expect(response.status).toBe(404);
  });
});

describe('a sandbox with short-lived access tokens', () => {
  let running: RunningSandbox;
  beforeAll(async () => {
    running = await startSandbox({ accessTokenTtlSeconds: 1 });
  });
  afterAll(() => running.close());

  it('refuses an expired access token at whoami, and a refresh brings a working one', async () => {
    const tokens = await connect(running, 'chat:write');
    expect(tokens.response.expires_in).toBe(1);

    await new Promise((resolve) => setTimeout(resolve, 1_100));

    expect((await whoami(running, tokens.accessToken)).status).toBe(401);
    const refreshed = await refresh(running, tokens.refreshToken);
    expect((await whoami(running, refreshed.accessToken)).status).toBe(200);
  });
});
