import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anApp, aUser, aWorkspaceKey } from '../support/accounts.js';
import { createTestServer, type TestServer } from '../support/server.js';

// When a key was last presented is written at most once an hour, off the request's path.
describe('when an API key was last used', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await createTestServer('sqlite');
  });
  afterEach(() => server.close());

  it('is written on the first use and again only once an hour has passed', async () => {
    const { storage, clock, app } = server;
    const ada = await aUser(storage, 'ada@example.com');
    const appId = await anApp(storage, ada);
    const key = await aWorkspaceKey(storage, ada);
    const use = async () => {
      const answer = await app.inject({
        url: `/api/apps/${appId}/external-auth/list`,
        headers: { api_key: key },
      });
      expect(answer.statusCode).toBe(200);
    };
    const lastUsed = async () =>
      (
        await storage.db
          .selectFrom('api_keys')
          .select('last_used_at')
          .where('id', '=', key.slice(5, 21))
          .executeTakeFirstOrThrow()
      ).last_used_at;

    expect(await lastUsed()).toBeNull();
    const first = clock.now();
    await use();
    await expect.poll(lastUsed).toBe(first);
    clock.advance(59 * 60);
    await use();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await lastUsed()).toBe(first);
    clock.advance(60);
    await use();
    await expect.poll(lastUsed).toBe(clock.now());
  });
});
