import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  expireRefused,
  releaseUnavailable,
  storeRefreshed,
  takeLease,
} from '../../src/connectors/refresh-lease.js';
import { type Connector, findConnector, openTokens } from '../../src/connectors/store.js';
import { loadKeyring } from '../../src/vault/keyring.js';
import { Vault } from '../../src/vault/vault.js';
import { anApp, aUser } from '../support/accounts.js';
import { anActiveConnector } from '../support/connectors.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { createTestServer, type TestServer } from '../support/server.js';

const LEASE_MS = 15_000;

// The writes of a token refresh (src/connectors/refresh-lease.ts), each an UPDATE that counts only
// when its condition held: who may take the lease, and when the holder's answer is still stored.
describe.each(DATABASE_KINDS)('the refresh lease on %s', (kind) => {
  let server: TestServer;
  let vault: Vault;
  let appId: string;
  let userId: string;

  beforeAll(async () => {
    server = await createTestServer(kind);
    vault = new Vault(loadKeyring(server.config.dataDir, undefined));
    const alice = await aUser(server.storage, 'alice@example.com');
    userId = alice.id;
    appId = await anApp(server.storage, alice);
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    await anActiveConnector(server, appId, 'acme', {
      userId,
      accessToken: 'access-acme-1',
      refreshToken: 'refresh-acme-1',
      expiresAt: server.clock.now() + 60_000,
    });
  });

  const read = async (): Promise<Connector> => (await findConnector(server.storage.db, appId, 'acme'))!;
  const now = () => server.clock.now();
  const fresh = { accessToken: 'access-acme-2', refreshToken: 'refresh-acme-2', expiresAt: 1 };

  it('gives the lease to one request while it is held, and to the next once it ran out', async () => {
    const connector = await read();
    const first = await takeLease(server.storage.db, connector, now(), LEASE_MS);
    expect(first).toBeDefined();
    expect(await takeLease(server.storage.db, connector, now(), LEASE_MS)).toBeUndefined();
    expect((await read()).refreshLease).toEqual({ owner: first!.owner, until: now() + LEASE_MS });

    server.clock.advance(LEASE_MS / 1000);
    const second = await takeLease(server.storage.db, connector, now(), LEASE_MS);
    expect(second).toBeDefined();
    expect(second!.owner).not.toBe(first!.owner);
    // The first holder was too slow: its answer is not stored, the lease stays the second's.
    expect(await storeRefreshed(server.storage.db, vault, first!, fresh, now())).toBe(false);
    expect(openTokens(vault, await read()).accessToken).toBe('access-acme-1');
    expect((await read()).refreshLease?.owner).toBe(second!.owner);
  });

  it('stores the holder’s tokens and clears the lease; a request that read the old token cannot take it again', async () => {
    const stale = await read();
    const lease = await takeLease(server.storage.db, stale, now(), LEASE_MS);
    expect(await storeRefreshed(server.storage.db, vault, lease!, fresh, now())).toBe(true);
    const after = await read();
    expect(openTokens(vault, after)).toEqual({
      accessToken: 'access-acme-2',
      refreshToken: 'refresh-acme-2',
    });
    expect(after.refreshLease).toBeNull();
    expect(await takeLease(server.storage.db, stale, now(), LEASE_MS)).toBeUndefined();
  });

  it('stores nothing for a refresh that a re-authorization overtook', async () => {
    const lease = await takeLease(server.storage.db, await read(), now(), LEASE_MS);
    await anActiveConnector(server, appId, 'acme', {
      userId,
      accessToken: 'access-acme-reauthorized',
      refreshToken: 'refresh-acme-reauthorized',
      expiresAt: now() + 3_600_000,
    });
    expect(await storeRefreshed(server.storage.db, vault, lease!, fresh, now())).toBe(false);
    expect(await expireRefused(server.storage.db, lease!, now())).toBe(false);
    const after = await read();
    expect(openTokens(vault, after).accessToken).toBe('access-acme-reauthorized');
    expect(after).toMatchObject({ state: 'active', refreshLease: null });
  });

  it('keeps the tokens and records the reason when the provider was unavailable; expires the connector when it refused', async () => {
    const lease = await takeLease(server.storage.db, await read(), now(), LEASE_MS);
    expect(await releaseUnavailable(server.storage.db, lease!, 'Acme answered 500')).toBe(true);
    expect(await read()).toMatchObject({
      state: 'active',
      refreshLease: null,
      refreshFailure: 'Acme answered 500',
    });
    expect(openTokens(vault, await read()).accessToken).toBe('access-acme-1');

    const next = await takeLease(server.storage.db, await read(), now(), LEASE_MS);
    expect(await expireRefused(server.storage.db, next!, now())).toBe(true);
    const expired = await read();
    expect(expired).toMatchObject({ state: 'expired', refreshLease: null });
    expect(await takeLease(server.storage.db, expired, now(), LEASE_MS)).toBeUndefined();
  });
});
