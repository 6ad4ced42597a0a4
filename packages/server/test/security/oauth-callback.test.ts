import { createHash, randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser as HttpBrowser } from '../../../sandbox/test/support/browser.js';
import { buildAuthorizationRequest } from '../../src/broker/authorization-request.js';
import { CATALOG } from '../../src/broker/catalog/index.js';
import {
  claimByState,
  claimDeparture,
  createAttempt,
  verifierContext,
} from '../../src/connectors/attempts.js';
import { loadKeyring } from '../../src/vault/keyring.js';
import { Vault } from '../../src/vault/vault.js';
import { anApp, aServiceKey, aUser, aWorkspaceKey } from '../support/accounts.js';
import { launchChromium } from '../support/chromium.js';
import { ConnectorApi } from '../support/connectors.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { type ExternalProvider, startExternalProvider } from '../support/external-provider.js';
import { continueStartLink } from '../support/http-consent.js';
import { consentInSandbox, registerCallbackSecrets } from '../support/sandbox-consent.js';
import { createTestServer, freePort, type TestServer } from '../support/server.js';

// The callback is where a stolen, replayed, late or mixed-up authorization response would land.
// A provider of its own (an oidc-provider that enforces S256 PKCE) plays the honest provider, and
// counts the token requests the server makes: a refused callback must not have cost an exchange.
// One database is enough here: the callback's logic does not depend on it; the one race that does
// (two callbacks claiming one state) runs on both below.
describe('the OAuth callback under attack', () => {
  let server: TestServer;
  let provider: ExternalProvider;
  let browser: Browser;
  let alice: ConnectorApi;
  let bob: ConnectorApi;

  beforeAll(async () => {
    const port = await freePort();
    provider = await startExternalProvider({ serverUrl: `http://127.0.0.1:${port}` });
    [server, browser] = await Promise.all([
      createTestServer('sqlite', {
        listen: true,
        port,
        providers: { credentials: { acme: provider.credentials }, extraCatalog: [provider.entry] },
      }),
      launchChromium(),
    ]);
    const { storage } = server;
    const aliceUser = await aUser(storage, 'alice@example.com');
    const bobUser = await aUser(storage, 'bob@example.com');
    alice = new ConnectorApi(server, await anApp(storage, aliceUser), {
      api_key: await aWorkspaceKey(storage, aliceUser),
    });
    bob = new ConnectorApi(server, await anApp(storage, bobUser), {
      api_key: await aWorkspaceKey(storage, bobUser),
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await provider?.close();
  });

  /** A new attempt of `api` (starting from no connector), consented to, with the callback held back. */
  async function heldBackCallback(api: ConnectorApi) {
    await api.remove('acme');
    const put = await api.put('acme', ['read']);
    const consent = await consentInSandbox(browser, put.redirect_url!, {
      email: `${api.appId}@acme.example`,
      decision: 'allow',
      interceptCallback: true,
    });
    return { url: new URL(consent.callbackUrl), connectionId: put.connection_id! };
  }

  /** The provider's authorization URL that Continue on `/oauth/start/{id}` sends the browser to. */
  async function departure(connectionId: string): Promise<URL> {
    return new URL(await continueStartLink(new HttpBrowser(), `${server.url}/oauth/start/${connectionId}`));
  }

  const deliver = async (callback: URL) => {
    const page = await fetch(callback);
    return { status: page.status, text: await page.text() };
  };
  const tokenOf = async (api: ConnectorApi) =>
    ConnectorApi.token(server, api.appId, await aServiceKey(server.storage, api.appId), 'acme');

  it('uses a state once: a replay, even at the same moment, is refused without a second token request', async () => {
    const { url } = await heldBackCallback(alice);
    const before = provider.tokenRequests();
    const [first, second] = await Promise.all([deliver(url), deliver(url)]);
    expect([first.status, second.status].sort()).toEqual([200, 400]);
    const third = await deliver(url);
    expect(third.status).toBe(400);
    expect(third.text).toContain('unknown or was already used');
    expect(provider.tokenRequests()).toBe(before + 1);
    expect((await tokenOf(alice)).status).toBe(200);
  });

  it("refuses another attempt's code under this attempt's state: the PKCE verifiers differ, nothing is stored", async () => {
    const ofAlice = await heldBackCallback(alice);
    const ofBob = await heldBackCallback(bob);
    const swapped = new URL(ofAlice.url);
    swapped.searchParams.set('code', ofBob.url.searchParams.get('code')!);

    const refused = await deliver(swapped);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Acme did not hand out a token');
    expect(await alice.status('acme', ofAlice.connectionId)).toMatchObject({ status: 'FAILED' });
    expect((await tokenOf(alice)).status).toBe(404);
    // The provider refused before using the code up: its own attempt still completes.
    expect((await deliver(ofBob.url)).status).toBe(200);
    expect(await bob.status('acme', ofBob.connectionId)).toEqual({ status: 'ACTIVE' });
  });

  it('refuses a state older than ten minutes without asking the provider for a token', async () => {
    const { url, connectionId } = await heldBackCallback(alice);
    const before = provider.tokenRequests();
    server.clock.advance(601);
    try {
      const late = await deliver(url);
      expect(late.status).toBe(400);
      expect(late.text).toContain('not completed within 10 minutes');
    } finally {
      server.clock.advance(-601);
    }
    expect(provider.tokenRequests()).toBe(before);
    expect(await alice.status('acme', connectionId)).toMatchObject({ status: 'FAILED' });
  });

  it('refuses a response naming another issuer (RFC 9207 mix-up) without asking for a token', async () => {
    const { url, connectionId } = await heldBackCallback(alice);
    const before = provider.tokenRequests();
    url.searchParams.set('iss', 'https://accounts.evil.example');
    const mixedUp = await deliver(url);
    expect(mixedUp.status).toBe(400);
    expect(mixedUp.text).toContain('The answer said to be from Acme was refused');
    expect(provider.tokenRequests()).toBe(before);
    expect(await alice.status('acme', connectionId)).toMatchObject({ status: 'FAILED' });
  });

  it('sends an S256 challenge of a fresh verifier on every departure, keeping the verifier sealed and the state hashed', async () => {
    await alice.remove('acme');
    const first = await departure((await alice.put('acme', ['read'])).connection_id!);
    const { connection_id } = await alice.put('acme', ['read', 'write']);
    const second = await departure(connection_id!);
    for (const url of [first, second]) {
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(url.searchParams.get('state')!.length).toBeGreaterThanOrEqual(22); // ≥ 128 bits, base64url
      registerCallbackSecrets(url.href);
    }
    expect(second.searchParams.get('code_challenge')).not.toBe(first.searchParams.get('code_challenge'));
    expect(second.searchParams.get('state')).not.toBe(first.searchParams.get('state'));

    const row = await server.storage.db
      .selectFrom('connection_attempts')
      .select(['state_hash', 'code_verifier'])
      .where('id', '=', connection_id!)
      .executeTakeFirstOrThrow();
    expect(row.state_hash).toBe(createHash('sha256').update(second.searchParams.get('state')!).digest('hex'));
    const vault = new Vault(loadKeyring(server.config.dataDir, undefined));
    const verifier = vault.open(row.code_verifier!, verifierContext(connection_id!));
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(
      second.searchParams.get('code_challenge'),
    );
  });

  it('redeems the code with the verifier of its own departure: any other verifier is refused by the provider', async () => {
    const { url, connectionId } = await heldBackCallback(alice);
    const vault = new Vault(loadKeyring(server.config.dataDir, undefined));
    await server.storage.db
      .updateTable('connection_attempts')
      .set({
        code_verifier: vault.seal(randomBytes(32).toString('base64url'), verifierContext(connectionId)),
      })
      .where('id', '=', connectionId)
      .execute();
    const before = provider.tokenRequests();
    const refused = await deliver(url);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Acme did not hand out a token');
    expect(provider.tokenRequests()).toBe(before + 1);
    expect((await tokenOf(alice)).status).toBe(404);
  });

  it.each([
    ['stripped of its challenge', (url: URL) => url.searchParams.delete('code_challenge')],
    ['downgraded to the plain method', (url: URL) => url.searchParams.set('code_challenge_method', 'plain')],
  ])('fails an authorization whose request was %s on the way to the provider', async (_how, tamper) => {
    await alice.remove('acme');
    const { connection_id } = await alice.put('acme', ['read']);
    const authorization = await departure(connection_id!);
    tamper(authorization);
    const atProvider = await fetch(authorization, { redirect: 'manual' });
    const callback = new URL(atProvider.headers.get('location')!);
    expect(callback.searchParams.get('error')).toBe('invalid_request');

    const page = await deliver(callback);
    expect(page.status).toBe(400);
    expect(page.text).toContain('Acme refused the authorization');
    expect(await alice.status('acme', connection_id!)).toMatchObject({ status: 'FAILED' });
  });
});

describe.each(DATABASE_KINDS)('claiming a state on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer(kind);
  });
  afterAll(() => server.close());

  it('gives an attempt to exactly one of many callbacks racing with its state', async () => {
    const { storage, clock } = server;
    const owner = await aUser(storage, 'owner@example.com');
    const appId = await anApp(storage, owner);
    const attempt = await createAttempt(
      storage.db,
      { appId, type: 'acme', scopes: [], userId: owner.id },
      clock.now(),
    );
    const state = randomBytes(32).toString('base64url');
    const vault = new Vault(loadKeyring(server.config.dataDir, undefined));
    await claimDeparture(storage.db, vault, attempt.id, { state, codeVerifier: null }, clock.now());
    const claims = await Promise.all(Array.from({ length: 10 }, () => claimByState(storage.db, state)));
    expect(claims.filter((claim) => claim?.id === attempt.id)).toHaveLength(1);
    expect(claims.filter((claim) => claim === undefined)).toHaveLength(9);
  });
});

describe('the authorization request of every catalog provider', () => {
  it.each(CATALOG.map((entry) => [entry.type, entry] as const))(
    '%s: a fresh 256-bit state, and an S256 challenge of a fresh verifier where the provider takes PKCE',
    async (_type, entry) => {
      const provider = { entry, clientId: 'client', clientSecret: 'secret' };
      const request = { redirectUri: 'https://connectors.example/oauth/callback', scopes: [] };
      const [first, second] = [
        await buildAuthorizationRequest(provider, request),
        await buildAuthorizationRequest(provider, request),
      ];
      expect(Buffer.from(first.state, 'base64url').length).toBeGreaterThanOrEqual(32);
      expect(second.state).not.toBe(first.state);
      const query = new URL(first.url).searchParams;
      expect(query.get('state')).toBe(first.state);
      if (!entry.pkce) {
        // A confidential client with its secret; the state alone ties the callback to the attempt.
        expect([first.codeVerifier, query.get('code_challenge'), query.get('code_challenge_method')]).toEqual(
          [null, null, null],
        );
        return;
      }
      expect(query.get('code_challenge_method')).toBe('S256');
      expect(query.get('code_challenge')).toBe(
        createHash('sha256').update(first.codeVerifier!).digest('base64url'),
      );
      expect(first.codeVerifier!.length).toBeGreaterThanOrEqual(43);
      expect(second.codeVerifier).not.toBe(first.codeVerifier);
    },
  );
});
