import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anApp, aUser, aWorkspaceKey } from '../support/accounts.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { createTestServer, type TestServer } from '../support/server.js';

// A long-poll must answer as soon as its attempt leaves PENDING for any reason, not only when the
// provider's callback completes it: a newer request replaces it, a removal deletes it.
describe.each(DATABASE_KINDS)('a status long-poll on %s', (kind) => {
  let server: TestServer;
  let appId: string;
  let headers: Record<string, string>;

  const requestConsent = async (type: string, scopes: string[]) => {
    const response = await server.app.inject({
      method: 'PUT',
      url: `/api/apps/${appId}/external-auth/integrations/${type}`,
      headers,
      payload: { scopes },
    });
    expect(response.statusCode).toBe(200);
    return response.json<{ connection_id: string }>().connection_id;
  };
  const longPoll = (type: string, connectionId: string) => {
    const started = performance.now();
    const answer = server.app.inject({
      url: `/api/apps/${appId}/external-auth/status?integration_type=${type}&connection_id=${connectionId}&wait=25`,
      headers,
    });
    return answer.then((response) => ({ response, seconds: (performance.now() - started) / 1000 }));
  };
  const aMoment = () => new Promise((resolve) => setTimeout(resolve, 200));

  beforeAll(async () => {
    server = await createTestServer(kind, { sandbox: true });
    const owner = await aUser(server.storage, 'owner@example.com');
    appId = await anApp(server.storage, owner);
    headers = { api_key: await aWorkspaceKey(server.storage, owner) };
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers FAILED at once when a newer authorization request replaces its attempt', async () => {
    const first = await requestConsent('slack', ['chat:write']);
    const waiting = longPoll('slack', first);
    await aMoment();
    await requestConsent('slack', ['chat:write', 'users:read']);

    const { response, seconds } = await waiting;
    expect(response.json()).toEqual({
      status: 'FAILED',
      failure_reason: 'A newer authorization replaced this one',
    });
    expect(seconds).toBeLessThan(10);
  });

  it('answers 404 at once when the connector is removed', async () => {
    const attempt = await requestConsent('notion', ['read']);
    const waiting = longPoll('notion', attempt);
    await aMoment();
    const removed = await server.app.inject({
      method: 'DELETE',
      url: `/api/apps/${appId}/external-auth/integrations/notion/remove`,
      headers,
    });
    expect(removed.statusCode).toBe(200);

    const { response, seconds } = await waiting;
    expect(response.statusCode).toBe(404);
    expect(seconds).toBeLessThan(10);
  });
});
