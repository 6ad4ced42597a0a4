import type { ProviderEntry } from '@base44-connectors/contract';
import * as oauth from 'oauth4webapi';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildAuthorizationRequest } from '../../src/broker/authorization-request.js';
import { readCallback } from '../../src/broker/callback.js';
import { findProvider } from '../../src/broker/catalog/index.js';
import type { ConfiguredProvider } from '../../src/broker/provider.js';
import { exchangeCode, refreshTokens } from '../../src/broker/token-requests.js';
import { errorMeaning, readTokenResponse, type TokenSet } from '../../src/broker/token-response.js';
import { providerResponse } from '../fixtures/providers/load.js';

const REDIRECT_URI = 'https://base44.example/oauth/callback';

function entryFor(type: string): ProviderEntry {
  const entry = findProvider(type);
  if (!entry) throw new Error(`no catalog entry for ${type}`);
  return entry;
}

function configured(entry: ProviderEntry): ConfiguredProvider {
  return { entry, clientId: 'test-client', clientSecret: 'test-secret' };
}

/** Reads a recorded answer through the entry and insists it is a success. */
function tokensFrom(type: string, fixture: string, status = 200): TokenSet {
  const reading = readTokenResponse(entryFor(type), status, providerResponse(fixture));
  if (!reading.ok) throw new Error(`${fixture} read as ${reading.error}: ${reading.description}`);
  return reading.tokens;
}

/** Answers every request with this JSON (a provider's documented answer) and records what was sent. */
function providerAnswers(status: number, body: unknown): Request[] {
  const sent: Request[] = [];
  vi.stubGlobal('fetch', async (input: string | URL | Request, init?: RequestInit) => {
    sent.push(new Request(input, init));
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  });
  return sent;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

async function consentUrl(type: string, scopes: readonly string[]) {
  const request = await buildAuthorizationRequest(configured(entryFor(type)), {
    redirectUri: REDIRECT_URI,
    scopes,
  });
  return { request, params: new URL(request.url).searchParams };
}

describe('Slack', () => {
  it('reads the user token nested under authed_user, with its comma-separated user scopes', () => {
    expect(tokensFrom('slack', 'slack-user-token')).toEqual({
      accessToken: 'xoxp-fake-1111111111-2222222222-3333333333-fakefakefakefakefakefakefake',
      refreshToken: null,
      expiresIn: null,
      grantedScopes: [
        'channels:read',
        'channels:history',
        'chat:write',
        'users.profile:read',
        'users:read',
        'users:read.email',
      ],
      email: null,
      connectionConfig: { team_id: 'T0FAKETEAM', user_id: 'U0FAKEUSER' },
    });
  });

  it('reads the refresh token and expiry of a rotating user token from authed_user', () => {
    expect(tokensFrom('slack', 'slack-user-token-rotating')).toMatchObject({
      accessToken: 'xoxe.xoxp-1-fake-Mi0yLTEyMzQ1Njc4OTAtZmFrZQ',
      refreshToken: 'xoxe-1-fake-My0xLTEyMzQ1Njc4OTAtZmFrZQ',
      expiresIn: 43200,
      grantedScopes: ['chat:write', 'users.profile:read'],
    });
  });

  it('treats {ok:false, error:"invalid_code"} sent with HTTP 200 as an error', () => {
    expect(readTokenResponse(entryFor('slack'), 200, providerResponse('slack-invalid-code'))).toEqual({
      ok: false,
      error: 'invalid_code',
      description: 'invalid_code',
    });
    expect(readTokenResponse(entryFor('slackbot'), 200, providerResponse('slack-invalid-code')).ok).toBe(
      false,
    );
  });

  // https://docs.slack.dev/authentication/using-token-rotation (read 2026-12-03): the refresh answer.
  it('reads a refreshed user token at the top level, where the refresh puts it, not under authed_user', () => {
    const reading = readTokenResponse(
      entryFor('slack'),
      200,
      providerResponse('slack-user-token-refresh'),
      'refresh_token',
    );
    expect(reading).toEqual({
      ok: true,
      tokens: {
        accessToken: 'xoxe.xoxp-1-fake-refreshed-Mi0yLTEyMzQ1Njc4OTAtZmFrZQ',
        refreshToken: 'xoxe-1-fake-refreshed-My0xLTEyMzQ1Njc4OTAtZmFrZQ',
        expiresIn: 43200,
        grantedScopes: ['chat:write', 'users.profile:read'],
        email: null,
        connectionConfig: {},
      },
    });
    // Read with the exchange's paths, the same answer has no token at all.
    expect(readTokenResponse(entryFor('slack'), 200, providerResponse('slack-user-token-refresh')).ok).toBe(
      false,
    );
  });

  it('refreshes a rotating user token through oauth.v2.access and keeps the new pair', async () => {
    const sent = providerAnswers(200, providerResponse('slack-user-token-refresh'));
    const result = await refreshTokens(configured(entryFor('slack')), 'xoxe-1-old');
    expect(result).toMatchObject({
      ok: true,
      tokens: { refreshToken: 'xoxe-1-fake-refreshed-My0xLTEyMzQ1Njc4OTAtZmFrZQ', expiresIn: 43200 },
    });
    expect(sent[0]?.url).toBe('https://slack.com/api/oauth.v2.access');
    const body = new URLSearchParams(await sent[0]!.text());
    expect(body.get('grant_type')).toBe('refresh_token');
    expect(body.get('refresh_token')).toBe('xoxe-1-old');
  });

  // https://docs.slack.dev/reference/methods/oauth.v2.access (read 2026-12-03): errors come as HTTP 200.
  it('ends the grant on {ok:false, error:"invalid_refresh_token"} sent with HTTP 200', async () => {
    providerAnswers(200, providerResponse('slack-invalid-refresh-token'));
    expect(await refreshTokens(configured(entryFor('slack')), 'xoxe-1-old')).toEqual({
      ok: false,
      error: 'invalid_refresh_token',
      description: 'invalid_refresh_token',
    });
  });

  it('keeps the grant on {ok:false, error:"ratelimited"}: a passing failure, not a revoked grant', async () => {
    providerAnswers(200, providerResponse('slack-ratelimited'));
    expect(await refreshTokens(configured(entryFor('slackbot')), 'xoxe-1-old')).toEqual({
      ok: false,
      error: 'temporarily_unavailable',
      description: 'Slack Bot answered ratelimited',
    });
  });

  it('classifies each Slack error code as a dead grant or a transient failure', () => {
    const slack = entryFor('slack');
    for (const code of ['invalid_refresh_token', 'token_revoked', 'invalid_grant'])
      expect(errorMeaning(slack, code), code).toBe('dead_grant');
    for (const code of ['ratelimited', 'service_unavailable', 'internal_error', 'fatal_error'])
      expect(errorMeaning(slack, code), code).toBe('transient');
    // A misconfigured client secret is not the person's grant dying.
    expect(errorMeaning(slack, 'bad_client_secret')).toBe('transient');
    // Without `errors`, every refusal ends the grant.
    expect(errorMeaning(entryFor('gmail'), 'temporarily_unavailable_or_anything')).toBe('dead_grant');
  });

  it('puts the requested scopes in user_scope, comma-separated, for the user token', async () => {
    const { params } = await consentUrl('slack', ['channels:read', 'chat:write']);
    expect(params.get('user_scope')).toBe(
      'users.profile:read,users:read,users:read.email,channels:read,chat:write',
    );
    expect(params.has('scope')).toBe(false);
  });

  it('reads the slackbot bot token at the top level, with the team and bot user as connection config', () => {
    expect(tokensFrom('slackbot', 'slackbot-bot-token')).toEqual({
      accessToken: 'xoxb-fake-1111111111-2222222222-fakefakefakefakefakefake',
      refreshToken: null,
      expiresIn: null,
      grantedScopes: ['channels:read', 'chat:write'],
      email: null,
      connectionConfig: { team_id: 'T0FAKETEAM', bot_user_id: 'U0FAKEBOT1' },
    });
  });
});

describe('Notion', () => {
  it("reads the owner's email and the workspace from the token response", () => {
    expect(tokensFrom('notion', 'notion-token')).toEqual({
      accessToken: 'ntn_fake_4f1d2c3b4a5968778695a4b3c2d1e0f0',
      refreshToken: 'nrt_fake_0f1e2d3c4b5a69788796a5b4c3d2e1f0',
      expiresIn: null,
      grantedScopes: null,
      email: 'ada@example.com',
      connectionConfig: {
        workspace_id: 'a0b1c2d3-0000-4000-8000-00000000fa1e',
        workspace_name: "Ada's Workspace",
        bot_id: 'b0f1e2d3-0000-4000-8000-00000000fa1e',
      },
    });
  });

  it('authenticates with HTTP Basic and sends its token request as JSON', () => {
    expect(entryFor('notion').token).toMatchObject({
      clientAuthentication: 'client_secret_basic',
      bodyEncoding: 'json',
    });
  });

  it('asks for owner=user on the consent page', async () => {
    const { params } = await consentUrl('notion', []);
    expect(params.get('owner')).toBe('user');
    expect(params.has('scope')).toBe(false);
  });
});

describe('Google', () => {
  it('asks for offline access and fresh consent, identity scopes first, with a PKCE S256 challenge', async () => {
    const calendar = 'https://www.googleapis.com/auth/calendar.readonly';
    const { request, params } = await consentUrl('googlecalendar', [calendar]);
    expect(params.get('access_type')).toBe('offline');
    expect(params.get('prompt')).toBe('consent');
    expect(params.get('scope')).toBe(`openid email ${calendar}`);
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(request.codeVerifier).not.toBeNull();
    expect(params.get('code_challenge')).toBe(await oauth.calculatePKCECodeChallenge(request.codeVerifier!));
  });

  it('reads a code exchange with its refresh token, expiry and space-separated scopes', () => {
    expect(tokensFrom('googlecalendar', 'google-code-exchange')).toEqual({
      accessToken: 'ya29.fake-a0AfB_byC1d2E3f4G5h6I7j8K9l0',
      refreshToken: '1//fake-0gX1y2Z3a4B5c6D7e8F9',
      expiresIn: 3599,
      grantedScopes: [
        'openid',
        'https://www.googleapis.com/auth/userinfo.email',
        'https://www.googleapis.com/auth/calendar.readonly',
      ],
      email: null,
      connectionConfig: {},
    });
  });

  it('reads a refresh answer without a new refresh token as refreshToken null', () => {
    expect(tokensFrom('googledrive', 'google-refresh')).toMatchObject({
      accessToken: 'ya29.fake-refreshed-a0AfB_zZ9y8X7w6V5',
      refreshToken: null,
      expiresIn: 3599,
    });
  });

  it('treats HTTP 400 {error:"invalid_grant"} as an error, keeping its description', () => {
    expect(readTokenResponse(entryFor('gmail'), 400, providerResponse('google-invalid-grant'))).toEqual({
      ok: false,
      error: 'invalid_grant',
      description: 'Token has been expired or revoked.',
    });
  });
});

describe('Microsoft', () => {
  it('requests offline_access with the identity scopes and PKCE on the common tenant', async () => {
    const { params } = await consentUrl('outlook', ['Mail.Read']);
    expect(params.get('scope')).toBe('openid email offline_access Mail.Read');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(entryFor('outlook').authorization.url).toBe(
      'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    );
  });

  it('reads the refresh token and granted scopes of a Graph token', () => {
    expect(tokensFrom('one_drive', 'microsoft-token')).toMatchObject({
      refreshToken: '0.AAAAfake-refresh-AQABAAAAAAD--DLA3VO7QrddgJg7WevrAgDs_wQA9P',
      expiresIn: 3736,
      grantedScopes: ['Mail.Read', 'User.Read', 'openid', 'email'],
    });
  });
});

describe('Salesforce', () => {
  it("hands the org's instance_url back as connection config, and assumes the default two-hour session", () => {
    expect(tokensFrom('salesforce', 'salesforce-token')).toEqual({
      accessToken: '00DFAKE0000000!AQ0AQFakeFakeFakeFakeFakeFakeFakeFake',
      refreshToken: '5Aep861FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE',
      expiresIn: 7200,
      grantedScopes: ['refresh_token', 'openid', 'email', 'api'],
      email: null,
      connectionConfig: { instance_url: 'https://fake-org.my.salesforce.com' },
    });
  });

  it('asks for the refresh_token scope so a refresh token is issued', async () => {
    const { params } = await consentUrl('salesforce', ['api']);
    expect(params.get('scope')?.split(' ')).toContain('refresh_token');
  });
});

describe('Dropbox', () => {
  it('asks for token_access_type=offline so a refresh token is issued', async () => {
    const { params } = await consentUrl('dropbox', ['files.metadata.read']);
    expect(params.get('token_access_type')).toBe('offline');
    expect(params.get('code_challenge_method')).toBe('S256');
  });

  it('reads the short-lived token, its refresh token and the account id', () => {
    expect(tokensFrom('dropbox', 'dropbox-token')).toEqual({
      accessToken: 'sl.fake-BcDeFgHiJkLmNoPqRsTuVwXyZ0123456789',
      refreshToken: 'fake-nBiM85CZALsAAAAAAAAAAQXHBoNpNutK4ngsXHsqW4iGz9tisb3JyjGqikMJIYbd',
      expiresIn: 14400,
      grantedScopes: ['account_info.read', 'files.content.read', 'files.metadata.read'],
      email: null,
      connectionConfig: { account_id: 'dbid:AAFAKEf99T0taONIb-OurWxbNQ6ywGRopQng' },
    });
  });

  it('reads the email with a body-less POST to get_current_account', () => {
    expect(entryFor('dropbox').userInfo).toMatchObject({ method: 'POST', emailPath: 'email' });
  });
});

describe('GitHub', () => {
  it('treats an error field sent with HTTP 200 as an error', () => {
    expect(
      readTokenResponse(entryFor('github'), 200, providerResponse('github-bad-verification-code')),
    ).toEqual({
      ok: false,
      error: 'bad_verification_code',
      description: 'The code passed is incorrect or expired.',
    });
  });

  it('leaves the comma-separated granted scopes unread rather than misread as one scope', () => {
    expect(tokensFrom('github', 'github-token')).toEqual({
      accessToken: 'gho_fake16C7e42F292c6912E7710c838347Ae178B4a',
      refreshToken: null,
      expiresIn: null,
      grantedScopes: null,
      email: null,
      connectionConfig: {},
    });
  });
});

describe('other quirks', () => {
  it('HubSpot: reads the granted scopes from its list and the hub id as connection config', () => {
    expect(tokensFrom('hubspot', 'hubspot-token')).toMatchObject({
      expiresIn: 1800,
      grantedScopes: ['oauth', 'crm.objects.contacts.read'],
      connectionConfig: { hub_id: 62515 },
    });
  });

  it('Linear: requests scopes comma-separated and reads them back space-separated', async () => {
    const { params } = await consentUrl('linear', ['read', 'issues:create']);
    expect(params.get('scope')).toBe('read,issues:create');
    expect(tokensFrom('linear', 'linear-token').grantedScopes).toEqual(['read', 'issues:create']);
  });

  it('TikTok: reads comma-separated scopes and the open_id as connection config', () => {
    expect(tokensFrom('tiktok', 'tiktok-token')).toMatchObject({
      expiresIn: 86400,
      grantedScopes: ['user.info.basic', 'video.list'],
      connectionConfig: { open_id: 'afd97af1-fake-4c36-9d55-0000000000aa' },
    });
  });

  it("Wrike: hands the account's API host back as connection config", () => {
    expect(tokensFrom('wrike', 'wrike-token').connectionConfig).toEqual({ host: 'app-eu.wrike.com' });
  });
});

describe('Splitwise', () => {
  // https://dev.splitwise.com/ "Authentication" (read 2026-12-03): client credentials in the body.
  it('sends client_id and client_secret in the form body (client_secret_post), not HTTP Basic', async () => {
    const sent = providerAnswers(200, { access_token: 'fake-splitwise-token', token_type: 'bearer' });
    const splitwise = configured(entryFor('splitwise'));
    const callback = readCallback(splitwise, new URLSearchParams({ code: 'the-code', state: 's' }), 's');
    if (!callback.ok) throw new Error(callback.description);
    const result = await exchangeCode(splitwise, callback.parameters, REDIRECT_URI, null);
    expect(result).toMatchObject({
      ok: true,
      tokens: { accessToken: 'fake-splitwise-token', expiresIn: null },
    });
    expect(sent[0]?.url).toBe('https://secure.splitwise.com/oauth/token');
    expect(sent[0]?.headers.get('authorization')).toBeNull();
    const body = new URLSearchParams(await sent[0]!.text());
    expect(body.get('client_id')).toBe('test-client');
    expect(body.get('client_secret')).toBe('test-secret');
    expect(body.get('code')).toBe('the-code');
  });
});

describe('the issuer (RFC 9207)', () => {
  const callback = (type: string, iss?: string) =>
    readCallback(
      configured(entryFor(type)),
      new URLSearchParams({ code: 'c', state: 's', ...(iss === undefined ? {} : { iss }) }),
      's',
    );

  it("accepts Google's and Discord's own iss, and a response without one", () => {
    expect(callback('gmail', 'https://accounts.google.com').ok).toBe(true);
    expect(callback('discord', 'https://discord.com').ok).toBe(true);
    expect(callback('gmail').ok).toBe(true);
  });

  it("refuses another provider's iss on a provider that names its issuer", () => {
    expect(callback('gmail', 'https://discord.com')).toMatchObject({ ok: false });
  });

  it('refuses any iss on a provider whose entry names no issuer, saying so', () => {
    expect(callback('dropbox', 'https://www.dropbox.com')).toEqual({
      ok: false,
      error: 'invalid_callback',
      description: 'Dropbox is not known to send iss, yet the response names https://www.dropbox.com',
    });
  });
});
