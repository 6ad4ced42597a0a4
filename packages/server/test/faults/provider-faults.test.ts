import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TokenForIntegrationResponse } from '@base44-connectors/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { anApp, aServiceKey, aUser, aWorkspaceKey } from '../support/accounts.js';
import { ConnectorApi } from '../support/connectors.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import {
  type EndpointFault,
  type ExternalProvider,
  startExternalProvider,
} from '../support/external-provider.js';
import { consentOverHttp } from '../support/http-consent.js';
import { createTestServer, freePort, type TestServer } from '../support/server.js';

// A configured provider that misbehaves: no answer within our timeout, a body that is not JSON,
// a token response without a token, `invalid_grant`, a revocation endpoint that fails. Nothing
// crashes, and each case ends in a status that says what happened. (A 500 from the token
// endpoint, a refresh token revoked at the provider and the mix-up defences are covered by
// test/e2e/connector-failures.test.ts.) The provider timeout comes from the real configuration:
// BASE44_SERVER_PROVIDER_TIMEOUT=1.

const TIMEOUT_SECONDS = 1;

/** What the server says about each fault, after "Acme did not hand out a token: " or "could not refresh its token: ". */
const UNUSABLE_ANSWERS: [EndpointFault, string][] = [
  ['silent', `Acme could not be reached: no answer within ${TIMEOUT_SECONDS} s`],
  ['not_json', 'Acme answered 200 with something that is not JSON'],
  [
    'no_access_token',
    'Acme answered 200 with an unusable token response: The token response has no access_token',
  ],
];

describe('the provider timeout setting', () => {
  it('applies BASE44_SERVER_PROVIDER_TIMEOUT to every configured provider, unless its providers-file entry says otherwise', async () => {
    const database = await createTestDatabase('sqlite');
    try {
      const providersFile = join(database.dataDir, 'providers.json');
      const client = { clientId: 'id', clientSecret: 'secret' };
      await writeFile(
        providersFile,
        JSON.stringify({ credentials: { acme: client, slow: { ...client, timeoutSeconds: 30 } } }),
      );
      const { credentials } = loadConfig(
        { providersFile },
        {
          BASE44_SERVER_PROVIDER_TIMEOUT: '2.5',
          BASE44_PROVIDER_LINEAR_CLIENT_ID: 'l',
          BASE44_PROVIDER_LINEAR_CLIENT_SECRET: 's',
        },
      ).providers;
      expect(credentials.acme?.requestTimeoutMs).toBe(2500);
      expect(credentials.slow?.requestTimeoutMs).toBe(30_000);
      expect(credentials.linear?.requestTimeoutMs).toBe(2500);
      expect(() => loadConfig({}, { BASE44_SERVER_PROVIDER_TIMEOUT: 'soon' })).toThrow(
        'BASE44_SERVER_PROVIDER_TIMEOUT must be a number of seconds above 0 and at most 300 (got "soon")',
      );
    } finally {
      await database.dispose();
    }
  });
});

describe('a configured provider that misbehaves, with a 1 s provider timeout', () => {
  let database: TestDatabase;
  let server: TestServer;
  let provider: ExternalProvider;
  let owner: ConnectorApi;
  let serviceKey: string;

  beforeAll(async () => {
    const port = await freePort();
    [database, provider] = await Promise.all([
      createTestDatabase('sqlite'),
      startExternalProvider({ serverUrl: `http://127.0.0.1:${port}` }),
    ]);
    const providersFile = join(database.dataDir, 'providers.json');
    await writeFile(
      providersFile,
      JSON.stringify({ credentials: { acme: provider.credentials }, catalog: [provider.entry] }),
    );
    const { providers } = loadConfig(
      { providersFile },
      { BASE44_SERVER_PROVIDER_TIMEOUT: String(TIMEOUT_SECONDS) },
    );
    server = await createTestServer('sqlite', { listen: true, port, database, providers });
    const alice = await aUser(server.storage, 'alice@example.com');
    const appId = await anApp(server.storage, alice);
    owner = new ConnectorApi(server, appId, { api_key: await aWorkspaceKey(server.storage, alice) });
    serviceKey = await aServiceKey(server.storage, appId);
  });
  afterAll(async () => {
    await server?.close();
    await provider?.close();
    await database?.dispose();
  });

  const token = () => ConnectorApi.token(server, owner.appId, serviceKey, 'acme');
  const accessToken = async () =>
    ((await (await token()).json()) as TokenForIntegrationResponse).access_token;
  const listed = async () => (await owner.list()).integrations.find((i) => i.integration_type === 'acme');

  /** A fresh authorization of acme, up to the callback URL the provider sends the browser to. */
  async function authorizedUpToCallback(): Promise<{ callbackUrl: string; connectionId: string }> {
    await owner.remove('acme'); // start each case from nothing; a 404 is fine
    const put = await owner.put('acme', ['read']);
    const consent = await consentOverHttp(put.redirect_url!, {
      email: 'acme-user@example.com',
      decision: 'allow',
      interceptCallback: true,
    });
    return { callbackUrl: consent.callbackUrl, connectionId: put.connection_id! };
  }

  /** acme connected, its token fresh (the provider's tokens last an hour). */
  async function connected(): Promise<string> {
    const { callbackUrl, connectionId } = await authorizedUpToCallback();
    expect((await fetch(callbackUrl)).status).toBe(200);
    expect(await owner.status('acme', connectionId)).toEqual({ status: 'ACTIVE' });
    return accessToken();
  }

  async function withTokenFault<T>(fault: EndpointFault, run: () => Promise<T>): Promise<T> {
    provider.breakTokenEndpoint(fault);
    try {
      return await run();
    } finally {
      provider.breakTokenEndpoint(undefined);
    }
  }

  it.each([
    ...UNUSABLE_ANSWERS.map(([fault, reason]): [EndpointFault, number, string] => [fault, 502, reason]),
    ['invalid_grant', 400, 'grant request is invalid'],
  ] as [EndpointFault, number, string][])(
    'fails the authorization when the code exchange meets %s: callback %i naming the reason, attempt FAILED, no token',
    async (fault, status, reason) => {
      const { callbackUrl, connectionId } = await authorizedUpToCallback();
      const page = await withTokenFault(fault, () => fetch(callbackUrl));
      expect(page.status).toBe(status);
      expect(await page.text()).toContain(`Acme did not hand out a token: ${reason}`);
      expect(await owner.status('acme', connectionId)).toEqual({
        status: 'FAILED',
        failure_reason: `Acme did not hand out a token: ${reason}`,
      });
      const refused = await token();
      expect(refused.status).toBe(404);
      expect(await refused.json()).toMatchObject({ code: 'not_connected' });
      // The provider is well again: the next authorization goes through.
      await connected();
    },
  );

  it.each(UNUSABLE_ANSWERS)(
    'keeps acme active when a refresh meets %s: serves the valid token, then 503 naming the reason once it lapsed, and refreshes after the provider recovers',
    async (fault, reason) => {
      const before = await connected();
      await withTokenFault(fault, async () => {
        server.clock.advance(56 * 60); // inside the refresh margin, still valid
        expect(await accessToken()).toBe(before);
        server.clock.advance(5 * 60); // lapsed
        const lapsed = await token();
        expect(lapsed.status).toBe(503);
        expect(lapsed.headers.get('retry-after')).toBe('5');
        expect(await lapsed.json()).toEqual({
          message: `acme could not refresh its token: ${reason}`,
          code: 'provider_unavailable',
        });
        expect(await listed()).toMatchObject({ status: 'active' });
      });
      const after = await token();
      expect(after.status).toBe(200);
      expect(((await after.json()) as TokenForIntegrationResponse).access_token).not.toBe(before);
    },
  );

  it('marks acme expired when a refresh meets invalid_grant, answers 409 naming the way back, and a push with a new consent restores it', async () => {
    await connected();
    await withTokenFault('invalid_grant', async () => {
      server.clock.advance(56 * 60);
      const refused = await token();
      expect(refused.status).toBe(409);
      expect(await refused.json()).toEqual({
        message: 'acme is expired and must be authorized again: run `base44 connectors push`',
        code: 'connector_needs_authorization',
      });
    });
    expect(await listed()).toMatchObject({ status: 'expired', state: 'expired' });

    const pushed = await owner.push([{ type: 'acme', scopes: ['read'] }]);
    expect(pushed.actions).toEqual([{ action: 'keep', type: 'acme', scopes: ['read'], status: 'expired' }]);
    const [result] = pushed.results;
    expect(result).toMatchObject({ type: 'acme', outcome: 'needs_authorization' });
    if (result?.outcome !== 'needs_authorization') return;
    const consent = await consentOverHttp(result.redirect_url, {
      email: 'acme-user@example.com',
      decision: 'allow',
    });
    expect(consent.status).toBe(200);
    expect(await listed()).toMatchObject({ status: 'active' });
    expect((await token()).status).toBe(200);
  });

  it.each(['status_500', 'silent'] as EndpointFault[])(
    'removes acme even when its revocation endpoint answers %s, saying revoked: false',
    async (fault) => {
      await connected();
      provider.breakRevocationEndpoint(fault);
      try {
        const removal = await owner.remove('acme');
        expect(removal.status).toBe(200);
        expect(await removal.json()).toEqual({ status: 'removed', integration_type: 'acme', revoked: false });
      } finally {
        provider.breakRevocationEndpoint(undefined);
      }
      expect(await listed()).toBeUndefined();
      expect((await token()).status).toBe(404);
    },
  );
});
