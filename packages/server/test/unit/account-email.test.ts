import type { ProviderEntry } from '@base44-connectors/contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emailIn, readAccountEmail } from '../../src/broker/account-email.js';
import { findProvider } from '../../src/broker/catalog/index.js';
import type { TokenSet } from '../../src/broker/token-response.js';
import { providerResponse } from '../fixtures/providers/load.js';

function entryFor(type: string): ProviderEntry {
  const entry = findProvider(type);
  if (!entry) throw new Error(`no catalog entry for ${type}`);
  return entry;
}

const TOKENS: TokenSet = {
  accessToken: 'the/access-token',
  refreshToken: null,
  expiresIn: null,
  grantedScopes: null,
  email: null,
  connectionConfig: {},
};

/** Answers every request with this JSON and records what was sent. */
function providerAnswers(body: unknown): Request[] {
  const sent: Request[] = [];
  vi.stubGlobal('fetch', async (input: string | URL | Request, init?: RequestInit) => {
    sent.push(new Request(input, init));
    return new Response(JSON.stringify(body), { status: 200 });
  });
  return sent;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the account email, as the catalog entry says where it is', () => {
  // https://docs.github.com/en/rest/users/emails#list-email-addresses-for-the-authenticated-user (read 2026-12-03)
  it('GitHub: takes the primary, verified address from /user/emails, private or not', async () => {
    const sent = providerAnswers(providerResponse('github-user-emails'));
    const github = { entry: entryFor('github'), clientId: 'id', clientSecret: 'secret' };
    expect(await readAccountEmail(github, TOKENS)).toBe('octocat@example.com');
    expect(sent[0]?.url).toBe('https://api.github.com/user/emails');
    expect(sent[0]?.headers.get('authorization')).toBe('Bearer the/access-token');
    expect(sent[0]?.headers.get('user-agent')).toBeTruthy();
    expect(sent[0]?.headers.get('accept'), "the entry's media type, not the default").toBe(
      'application/vnd.github+json',
    );
  });

  it('GitHub: finds no email when no address is both primary and verified', () => {
    const userInfo = entryFor('github').userInfo!;
    const unverified = [{ email: 'a@example.com', primary: true, verified: false }];
    expect(emailIn(userInfo, unverified)).toBeNull();
    expect(emailIn(userInfo, { message: 'Requires authentication' })).toBeNull();
  });

  it('GitHub: asks for the user:email scope that /user/emails needs', () => {
    expect(entryFor('github').requiredScopes).toContain('user:email');
  });

  // https://developers.hubspot.com/docs/api-reference/latest/authentication/oauth-tokens/token-introspect (read 2026-12-03)
  it("HubSpot: reads `user` of the token introspection, the token and the client's credentials in the form", async () => {
    const sent = providerAnswers(providerResponse('hubspot-token-introspection'));
    const hubspot = { entry: entryFor('hubspot'), clientId: 'id', clientSecret: 'secret' };
    expect(await readAccountEmail(hubspot, TOKENS)).toBe('ada@example.com');
    expect(sent[0]?.method).toBe('POST');
    expect(sent[0]?.url).toBe('https://api.hubapi.com/oauth/2026-03/token/introspect');
    expect(sent[0]?.headers.get('authorization')).toBeNull();
    expect(sent[0]?.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(await sent[0]!.text()))).toEqual({
      token: 'the/access-token',
      client_id: 'id',
      client_secret: 'secret',
    });
  });

  it('reads a plain email path unchanged (Google)', async () => {
    providerAnswers({ sub: '1', email: 'ada@example.com', email_verified: true });
    const gmail = { entry: entryFor('gmail'), clientId: 'id', clientSecret: 'secret' };
    expect(await readAccountEmail(gmail, TOKENS)).toBe('ada@example.com');
  });
});

describe("Wrike: the account's own API host", () => {
  const wrike = () => ({ entry: entryFor('wrike'), clientId: 'id', clientSecret: 'secret' });
  const withHost = (host: unknown): TokenSet => ({ ...TOKENS, connectionConfig: { host } });
  const contacts = { data: [{ id: 'KUAAAAAA', profiles: [{ email: 'ada@example.com', role: 'User' }] }] };

  // https://developers.wrike.com/oauth-20-authorization/ (read 2026-12-03): the token response's host.
  it('asks the data centre the token response named for the email', async () => {
    const sent = providerAnswers(contacts);
    expect(await readAccountEmail(wrike(), withHost('app-eu.wrike.com'))).toBe('ada@example.com');
    expect(sent[0]?.url).toBe('https://app-eu.wrike.com/api/v4/contacts?me=true');
  });

  it('stays on www.wrike.com for a host outside wrike.com or one that is not a host name', async () => {
    for (const host of [
      'evil.example',
      'app-eu.wrike.com.evil.example',
      'a.wrike.com/x',
      'x@b.wrike.com',
      42,
    ]) {
      const sent = providerAnswers(contacts);
      await readAccountEmail(wrike(), withHost(host));
      expect(sent[0]?.url, String(host)).toBe('https://www.wrike.com/api/v4/contacts?me=true');
    }
  });
});
