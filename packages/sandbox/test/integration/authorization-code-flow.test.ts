import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizationRequest,
  authorizationServer,
  CLIENT_ID,
  CLIENT_SECRET,
  connect,
  exchangeCode,
  INSECURE,
  Person,
  type RunningSandbox,
  refresh,
  revoke,
  startSandbox,
  whoami,
} from '../support/sandbox.js';

const SLACK_SCOPES = 'chat:write users:read';
const GOOGLE_SCOPES = 'https://www.googleapis.com/auth/calendar.readonly openid email';

describe('the sandbox authorization code flow', () => {
  let running: RunningSandbox;
  beforeAll(async () => {
    running = await startSandbox();
  });
  afterAll(() => running.close());

  it('goes sign-in page → consent page → back to the redirect URI with code, state and iss', async () => {
    const request = await authorizationRequest(running, SLACK_SCOPES);
    const { callback, signIn, consent } = await new Person(running).authorize(request, {
      email: 'ada@example.com',
    });

    expect(signIn.url).toMatch(new RegExp(`^${running.issuer}/interaction/[\\w-]+$`));
    expect(consent.body).toContain('ada@example.com');
    expect(`${callback.origin}${callback.pathname}`).toBe(running.redirectUri);
    expect(callback.searchParams.get('code')).toBeTruthy();
    expect(callback.searchParams.get('state')).toBe(request.state);
    expect(callback.searchParams.get('iss')).toBe(running.issuer);
  });

  it('exchanges the code with client_secret_basic and grants exactly the requested provider scopes', async () => {
    const tokens = await connect(running, SLACK_SCOPES, { auth: oauth.ClientSecretBasic(CLIENT_SECRET) });

    expect(tokens.scope).toBe(SLACK_SCOPES);
    expect(tokens.response.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.response.expires_in).toBe(3600);
  });

  it('exchanges the code with client_secret_post as well', async () => {
    const tokens = await connect(running, 'https://www.googleapis.com/auth/calendar.readonly', {
      auth: oauth.ClientSecretPost(CLIENT_SECRET),
    });

    expect(tokens.scope).toBe('https://www.googleapis.com/auth/calendar.readonly');
  });

  it('answers whoami with the email typed at sign-in, the granted scopes and the client', async () => {
    const tokens = await connect(running, SLACK_SCOPES, { email: 'grace@example.org' });

    const response = await whoami(running, tokens.accessToken);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      email: 'grace@example.org',
      scopes: ['chat:write', 'users:read'],
      client_id: CLIENT_ID,
    });
  });

  it('refreshes into a new access token and a rotated refresh token', async () => {
    const first = await connect(running, SLACK_SCOPES);

    const second = await refresh(running, first.refreshToken);

    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.scope).toBe(SLACK_SCOPES);
    expect((await whoami(running, second.accessToken)).status).toBe(200);
  });

  it('after revoking the refresh token, whoami answers 401 and refreshing answers invalid_grant', async () => {
    const tokens = await connect(running, SLACK_SCOPES);

    await revoke(running, tokens.refreshToken);

    const response = await whoami(running, tokens.accessToken);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_token' });
    await expect(refresh(running, tokens.refreshToken)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('after revoking the access token, whoami answers 401 and the refresh token is gone with it', async () => {
    const tokens = await connect(running, SLACK_SCOPES);
    expect((await whoami(running, tokens.accessToken)).status).toBe(200);

    await revoke(running, tokens.accessToken);

    expect((await whoami(running, tokens.accessToken)).status).toBe(401);
    await expect(refresh(running, tokens.refreshToken)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('revoking one connection leaves another connection of the same account and client alone', async () => {
    const slack = await connect(running, SLACK_SCOPES, { email: 'same@example.com' });
    const notion = await connect(running, 'read_content', { email: 'same@example.com' });

    await revoke(running, slack.refreshToken);

    expect((await whoami(running, slack.accessToken)).status).toBe(401);
    expect((await whoami(running, notion.accessToken)).status).toBe(200);
  });

  it('serves userinfo with sub and email, and an ID token, when openid is among the scopes', async () => {
    const tokens = await connect(running, GOOGLE_SCOPES, { email: 'lin@example.net' });
    const as = authorizationServer(running);
    const client = { client_id: CLIENT_ID };

    const response = await oauth.userInfoRequest(as, client, tokens.accessToken, INSECURE);
    const userinfo = await oauth.processUserInfoResponse(as, client, 'lin@example.net', response);

    expect(tokens.scope).toBe(GOOGLE_SCOPES);
    expect(tokens.response.id_token).toBeTruthy();
    expect(userinfo).toMatchObject({ sub: 'lin@example.net', email: 'lin@example.net' });
  });

  it('publishes OpenID discovery under the mount path with the same endpoints', async () => {
    const response = await oauth.discoveryRequest(new URL(running.issuer), {
      algorithm: 'oidc',
      ...INSECURE,
    });
    const discovered = await oauth.processDiscoveryResponse(new URL(running.issuer), response);

    expect(discovered).toMatchObject({
      issuer: running.issuer,
      authorization_endpoint: running.sandbox.endpoints.authorization,
      token_endpoint: running.sandbox.endpoints.token,
      revocation_endpoint: running.sandbox.endpoints.revocation,
      userinfo_endpoint: running.sandbox.endpoints.userinfo,
      authorization_response_iss_parameter_supported: true,
      code_challenge_methods_supported: ['S256'],
    });
    expect(discovered.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'client_secret_post']),
    );
  });

  it('derives the mount path and absolute endpoint URLs from the issuer', () => {
    expect(running.sandbox.mountPath).toBe('/sandbox');
    expect(running.sandbox.endpoints).toEqual({
      authorization: `${running.issuer}/auth`,
      token: `${running.issuer}/token`,
      revocation: `${running.issuer}/token/revocation`,
      userinfo: `${running.issuer}/me`,
      api: `${running.issuer}/api/whoami`,
    });
  });

  it('checks the PKCE verifier at the token endpoint', async () => {
    const request = await authorizationRequest(running, SLACK_SCOPES);
    const { callback } = await new Person(running).authorize(request);
    const wrongVerifier = { ...request, codeVerifier: oauth.generateRandomCodeVerifier() };

    await expect(
      exchangeCode(running, wrongVerifier, callback, oauth.ClientSecretBasic(CLIENT_SECRET)),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a wrong client secret with 401 invalid_client', async () => {
    const request = await authorizationRequest(running, SLACK_SCOPES);
    const { callback } = await new Person(running).authorize(request);

    await expect(
      exchangeCode(running, request, callback, oauth.ClientSecretBasic('not-the-secret')),
    ).rejects.toMatchObject({
      status: 401,
      cause: [expect.objectContaining({ parameters: expect.objectContaining({ error: 'invalid_client' }) })],
    });
  });
});
