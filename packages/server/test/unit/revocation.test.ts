import type { ProviderEntry } from '@base44-connectors/contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { findProvider } from '../../src/broker/catalog/index.js';
import { effectiveSettings, withEndpointsFor } from '../../src/broker/endpoint-urls.js';
import type { ConfiguredProvider } from '../../src/broker/provider.js';
import { revokeGrantTokens } from '../../src/broker/revocation.js';

const TOKENS = { accessToken: 'the-access-token', refreshToken: 'the-refresh-token' };
const BASIC = `Basic ${Buffer.from('test-client:test-secret').toString('base64')}`;

function configured(type: string): ConfiguredProvider {
  const entry: ProviderEntry | undefined = findProvider(type);
  if (!entry) throw new Error(`no catalog entry for ${type}`);
  // As the broker sees a connection made with the default settings: its URLs filled in.
  return withEndpointsFor(
    { entry, clientId: 'test-client', clientSecret: 'test-secret' },
    effectiveSettings(entry, {}),
  );
}

interface Sent {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

/** Answers every request as the provider documents a success, and records what was sent. */
function providerAnswers(status: number, body = ''): Sent[] {
  const sent: Sent[] = [];
  vi.stubGlobal('fetch', async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    sent.push({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: await request.text(),
    });
    return new Response(status === 204 ? null : body, { status });
  });
  return sent;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('revocation as the catalog entry describes it', () => {
  // https://www.dropbox.com/developers/documentation/http/documentation#auth-token-revoke (read 2026-12-03)
  it('Dropbox: POSTs no body with the ACCESS token as the bearer credential', async () => {
    const sent = providerAnswers(200, 'null');
    expect(await revokeGrantTokens(configured('dropbox'), TOKENS)).toEqual({ revoked: true });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      method: 'POST',
      url: 'https://api.dropboxapi.com/2/auth/token/revoke',
      body: '',
    });
    expect(sent[0]?.headers.get('authorization')).toBe('Bearer the-access-token');
    expect(sent[0]?.headers.has('content-type')).toBe(false);
  });

  // https://linear.app/developers/oauth-2-0-authentication (read 2026-12-03)
  it('Linear: POSTs a form body token=, the refresh token and then the access token, no client authentication', async () => {
    const sent = providerAnswers(200);
    expect(await revokeGrantTokens(configured('linear'), TOKENS)).toEqual({ revoked: true });
    expect(sent.map((request) => new URLSearchParams(request.body).get('token'))).toEqual([
      'the-refresh-token',
      'the-access-token',
    ]);
    expect(sent[0]).toMatchObject({ method: 'POST', url: 'https://api.linear.app/oauth/revoke' });
    expect(sent[0]?.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(sent[0]?.headers.get('authorization')).toBeNull();
    expect([...new URLSearchParams(sent[0]?.body).keys()]).toEqual(['token']);
  });

  // https://developers.notion.com/reference/revoke-token (read 2026-12-03)
  it('Notion: POSTs JSON {"token"} with HTTP Basic client auth and a Notion-Version', async () => {
    const sent = providerAnswers(200, '{"request_id":"3c90c3cc-0d44-4b50-8888-8dd25736052a"}');
    expect(await revokeGrantTokens(configured('notion'), TOKENS)).toEqual({ revoked: true });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'POST', url: 'https://api.notion.com/v1/oauth/revoke' });
    expect(JSON.parse(sent[0]!.body)).toEqual({ token: 'the-access-token' });
    expect(sent[0]?.headers.get('authorization')).toBe(BASIC);
    expect(sent[0]?.headers.get('content-type')).toBe('application/json');
    expect(sent[0]?.headers.get('notion-version')).toBeTruthy();
  });

  // https://docs.github.com/en/rest/apps/oauth-applications#delete-an-app-authorization (read 2026-12-03)
  it('GitHub: DELETEs /applications/{client_id}/grant with Basic client auth and JSON {"access_token"}', async () => {
    const sent = providerAnswers(204);
    expect(await revokeGrantTokens(configured('github'), TOKENS)).toEqual({ revoked: true });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      method: 'DELETE',
      url: 'https://api.github.com/applications/test-client/grant',
    });
    expect(JSON.parse(sent[0]!.body)).toEqual({ access_token: 'the-access-token' });
    expect(sent[0]?.headers.get('authorization')).toBe(BASIC);
    expect(sent[0]?.headers.get('user-agent')).toBeTruthy();
  });

  // https://developers.hubspot.com/docs/api-reference/latest/authentication/oauth-tokens/revoke-token (read 2026-12-03)
  it("HubSpot: POSTs the refresh token alone with the client's id and secret in the form", async () => {
    const sent = providerAnswers(200);
    const tokens = { accessToken: 'a', refreshToken: 'en-us/1234-5678' };
    expect(await revokeGrantTokens(configured('hubspot'), tokens)).toEqual({ revoked: true });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      method: 'POST',
      url: 'https://api.hubapi.com/oauth/2026-03/token/revoke',
    });
    expect(Object.fromEntries(new URLSearchParams(sent[0]!.body))).toEqual({
      token: 'en-us/1234-5678',
      client_id: 'test-client',
      client_secret: 'test-secret',
    });
  });

  // https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_revoke_token.htm&type=5 (read 2026-12-03)
  it('Salesforce: POSTs `token` alone, without the client credentials the endpoint does not take', async () => {
    const sent = providerAnswers(200);
    expect(await revokeGrantTokens(configured('salesforce'), TOKENS)).toEqual({ revoked: true });
    expect(sent[0]).toMatchObject({
      method: 'POST',
      url: 'https://login.salesforce.com/services/oauth2/revoke',
    });
    expect(sent[0]?.headers.get('authorization')).toBeNull();
    expect(Object.fromEntries(new URLSearchParams(sent[0]!.body))).toEqual({ token: 'the-refresh-token' });
  });

  it('HubSpot: says there is nothing to revoke without a refresh token rather than sending the access token', async () => {
    const sent = providerAnswers(204);
    expect(await revokeGrantTokens(configured('hubspot'), { accessToken: 'a', refreshToken: null })).toEqual({
      revoked: false,
      reason: 'no refresh token to revoke',
    });
    expect(sent).toHaveLength(0);
  });

  // https://docs.slack.dev/reference/methods/auth.revoke (read 2026-12-03)
  it('Slack: counts {"ok": false} sent with HTTP 200 as not revoked', async () => {
    providerAnswers(200, '{"ok":false,"error":"invalid_auth"}');
    expect(await revokeGrantTokens(configured('slack'), TOKENS)).toEqual({
      revoked: false,
      reason: 'Slack answered invalid_auth',
    });
    const sent = providerAnswers(200, '{"ok":true,"revoked":true}');
    expect(await revokeGrantTokens(configured('slackbot'), TOKENS)).toEqual({ revoked: true });
    expect(sent[0]?.headers.get('authorization')).toBe('Bearer the-access-token');
  });

  // https://developers.tiktok.com/docs/en/oauth-revoke-a-user-access-token (read 2026-12-03)
  it('TikTok: a form token= with client_secret_post under client_key, the ACCESS token alone', async () => {
    const sent = providerAnswers(200);
    await revokeGrantTokens(configured('tiktok'), TOKENS);
    expect(sent).toHaveLength(1);
    const form = new URLSearchParams(sent[0]!.body);
    expect(Object.fromEntries(form)).toEqual({
      token: 'the-access-token',
      client_key: 'test-client',
      client_secret: 'test-secret',
    });
  });

  it('reports a failing endpoint with its status', async () => {
    providerAnswers(401);
    expect(await revokeGrantTokens(configured('dropbox'), TOKENS)).toEqual({
      revoked: false,
      reason: 'Dropbox answered 401',
    });
  });
});
