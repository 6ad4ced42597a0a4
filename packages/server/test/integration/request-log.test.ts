import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anApp, aUser, aWorkspaceKey } from '../support/accounts.js';
import { createTestServer, type TestServer } from '../support/server.js';

/** The `req` of every log line that has one. */
function loggedRequests(server: TestServer): Record<string, unknown>[] {
  return server.recording.logLines
    .map((line) => (JSON.parse(line) as { req?: Record<string, unknown> }).req)
    .filter((req) => req !== undefined);
}

// What a request leaves in the log does not depend on the database: SQLite alone covers it.
describe('the access log', () => {
  let server: TestServer;
  let appId = '';
  let apiKey = '';
  const linkId = 'f'.repeat(32);
  beforeAll(async () => {
    server = await createTestServer('sqlite');
    const owner = await aUser(server.storage, 'owner@example.com');
    appId = await anApp(server.storage, owner);
    apiKey = await aWorkspaceKey(server.storage, owner);
  });
  afterAll(() => server.close());

  it('records the route pattern and allowlisted query values, never a link id in the query', async () => {
    await server.app.inject({
      url: `/api/apps/${appId}/external-auth/status?integration_type=slack&connection_id=${linkId}&wait=0`,
      headers: { api_key: apiKey },
    });
    expect(loggedRequests(server)).toContainEqual({
      method: 'GET',
      url: '/api/apps/:appId/external-auth/status?integration_type=slack&connection_id=[redacted]&wait=0',
      params: { appId },
      remoteAddress: '127.0.0.1',
    });
    expect(server.recording.logLines.join('\n')).not.toContain(linkId);
  });

  it('records /oauth/start by its pattern, without the link id in the path', async () => {
    await server.app.inject({ url: `/oauth/start/${linkId}` });
    expect(loggedRequests(server)).toContainEqual(
      expect.objectContaining({ method: 'GET', url: '/oauth/start/:connectionId' }),
    );
    expect(
      loggedRequests(server).some((req) => 'params' in req && req.url === '/oauth/start/:connectionId'),
    ).toBe(false);
  });

  it('records an unrouted request without its path, and query keys that are no names as [redacted]', async () => {
    await server.app.inject({ url: `/nowhere/${linkId}?b44k_${linkId}=1&token=${linkId}` });
    expect(loggedRequests(server)).toContainEqual(
      expect.objectContaining({ url: '[no route]?[redacted]=[redacted]&token=[redacted]' }),
    );
    expect(server.recording.logLines.join('\n')).not.toContain(linkId);
  });
});
