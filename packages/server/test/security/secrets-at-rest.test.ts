import { randomBytes } from 'node:crypto';
import type { TokenForIntegrationResponse } from '@base44-connectors/contract';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rotateEncryption } from '../../src/admin/commands.js';
import { anApp, aServiceKey, aUser } from '../support/accounts.js';
import { anActiveConnector } from '../support/connectors.js';
import { createTestDatabase, DATABASE_KINDS, storageFlags } from '../support/databases.js';
import { forgetSecret, registerSecret, SecretsInClear } from '../support/secret-scan.js';
import { createTestServer, freePort, type TestServer } from '../support/server.js';
import { startServerProcess } from '../support/server-process.js';

const aSecret = (what: string) => `${what}-${randomBytes(24).toString('base64url')}`;

// The scan every test server goes through when it closes (test/support/secret-scan.ts), shown to
// find what it looks for; and the tokens it looks for, stored sealed and surviving a key rotation.
describe.each(DATABASE_KINDS)('secrets at rest on %s', (kind) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await createTestServer(kind);
  });
  afterEach(() => server.close());

  it('finds a registered secret in a log line, in an error body and in a database column', async () => {
    const planted = aSecret('planted').toLowerCase();
    registerSecret('the planted secret', planted);
    try {
      await server.app.inject({ method: 'GET', url: `/no-such-page/${planted}` });
      // The log keeps only allowlisted query values (`error` is one): a place a secret could leak.
      await server.app.inject({ method: 'GET', url: `/health?error=${planted}` });
      await aUser(server.storage, `${planted}@example.com`);
      const places = (await server.secretsInClear()).map((finding) => finding.where);
      expect(places).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^log line \d+$/),
          expect.stringMatching(/^the 404 body of GET \/no-such-page\//),
          'users.email',
        ]),
      );
      const closing = server.close();
      await expect(closing).rejects.toThrow(SecretsInClear);
      await expect(closing).rejects.toThrow(/the planted secret in users\.email/);
    } finally {
      forgetSecret(planted);
      server = await createTestServer(kind);
    }
  });

  it('stores connector tokens sealed, hands them out as they were, and keeps them through a key rotation', async () => {
    const owner = await aUser(server.storage, 'owner@example.com');
    const appId = await anApp(server.storage, owner);
    const serviceKey = await aServiceKey(server.storage, appId);
    const tokens = new Map<string, string>();
    for (const type of ['slack', 'notion']) {
      const accessToken = aSecret(`${type}-access`);
      const refreshToken = aSecret(`${type}-refresh`);
      registerSecret(`the ${type} access token`, accessToken);
      registerSecret(`the ${type} refresh token`, refreshToken);
      tokens.set(type, accessToken);
      await anActiveConnector(server, appId, type, { userId: owner.id, accessToken, refreshToken });
    }
    const sealedKeyIds = async () => {
      const { rows } = await sql<{ access_token: string; refresh_token: string }>`
        select access_token, refresh_token from connectors`.execute(server.storage.db);
      return rows.flatMap((row) => [row.access_token, row.refresh_token].map((value) => value.split('.')[1]));
    };
    const handedOut = async (type: string) => {
      const response = await server.app.inject({
        url: `/api/apps/${appId}/external-auth/tokens/${type}`,
        headers: { authorization: `Bearer ${serviceKey}`, 'x-app-id': appId },
      });
      expect(response.statusCode).toBe(200);
      return (response.json() as TokenForIntegrationResponse).access_token;
    };

    expect(await server.secretsInClear()).toEqual([]);
    const before = await sealedKeyIds();
    expect(new Set(before).size).toBe(1);

    const rotated = await rotateEncryption(server.storage, server.config);
    const newKeyId = /with key (\S+)$/.exec(rotated)?.[1];
    expect(newKeyId).toBeDefined();
    expect(newKeyId).not.toBe(before[0]);
    expect(await sealedKeyIds()).toEqual(Array(4).fill(newKeyId));
    for (const [type, accessToken] of tokens) expect(await handedOut(type)).toBe(accessToken);
    expect(await server.secretsInClear()).toEqual([]);
  });
});

describe('the secrets scan of a base44-server process', () => {
  it('fails the stop of a server whose output holds a registered secret', async () => {
    const database = await createTestDatabase('sqlite');
    const planted = aSecret('planted');
    registerSecret('the planted secret', planted);
    try {
      const port = String(await freePort());
      const server = await startServerProcess(['--port', port, ...storageFlags(database)]);
      await fetch(`${server.url}/health?error=${planted}`);
      await expect(server.stop()).rejects.toThrow(/the planted secret in output line \d+/);
    } finally {
      forgetSecret(planted);
      await database.dispose();
    }
  });
});
