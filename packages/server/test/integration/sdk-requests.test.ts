import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/accounts/users.js';
import { anApp, aServiceKey, aUser, aWorkspaceKey } from '../support/accounts.js';
import { anActiveConnector } from '../support/connectors.js';
import { createTestServer, type TestServer } from '../support/server.js';

// Where the public @base44/sdk's requests and readings differ from what a strict reading of the
// contract would take (spec/api.md, "The rest of the SDK's connectors module").

describe('requests as the SDK sends them', () => {
  let world: { server: TestServer; owner: User; appId: string; memberKey: string; serviceKey: string };
  beforeAll(async () => {
    const server = await createTestServer('sqlite', { listen: true });
    const owner = await aUser(server.storage, 'owner@example.com');
    const appId = await anApp(server.storage, owner);
    world = {
      server,
      owner,
      appId,
      memberKey: await aWorkspaceKey(server.storage, owner),
      serviceKey: await aServiceKey(server.storage, appId),
    };
  });
  afterAll(() => world.server.close());

  it('takes content-type application/json with an empty body as no body, on POST and DELETE', async () => {
    const { server, owner, appId, memberKey } = world;
    await anActiveConnector(server, appId, 'notion', { userId: owner.id });
    const overHttp = (method: string, path: string) =>
      fetch(`${server.url}/api/apps/${appId}/${path}`, {
        method,
        headers: { api_key: memberKey, 'content-type': 'application/json' },
        body: '',
      });
    const install = await overHttp('POST', 'payments/stripe/install');
    expect(install.status).toBe(501);
    expect(await install.json()).toMatchObject({
      message: 'Stripe provisioning is not available on this server',
    });
    const removed = await overHttp('DELETE', 'external-auth/integrations/notion/remove');
    expect(removed.status).toBe(200);
    expect(await removed.json()).toMatchObject({ status: 'removed', integration_type: 'notion' });
  });

  it('still refuses a JSON body that is not JSON', async () => {
    const answer = await world.server.app.inject({
      method: 'POST',
      url: `/api/apps/${world.appId}/external-auth/plan`,
      headers: { api_key: world.memberKey, 'content-type': 'application/json' },
      payload: '{"connectors": [',
    });
    expect(answer.statusCode).toBe(400);
  });

  it('hands out connection_config null for a connector without config values, old "{}" rows too', async () => {
    const { server, owner, appId, serviceKey } = world;
    await anActiveConnector(server, appId, 'github', { userId: owner.id, connectionConfig: {} });
    await anActiveConnector(server, appId, 'salesforce', {
      userId: owner.id,
      connectionConfig: { instance_url: 'https://example.my.salesforce.com' },
    });
    await anActiveConnector(server, appId, 'linear', { userId: owner.id, connectionConfig: { x: 1 } });
    await server.storage.db
      .updateTable('connectors')
      .set({ connection_config: '{}' })
      .where('app_id', '=', appId)
      .where('type', '=', 'linear')
      .execute();
    const token = async (type: string) =>
      (
        await server.app.inject({
          method: 'GET',
          url: `/api/apps/${appId}/external-auth/tokens/${type}`,
          headers: { authorization: `Bearer ${serviceKey}`, 'x-app-id': appId },
        })
      ).json().connection_config;
    expect(await token('github')).toBeNull();
    expect(await token('linear')).toBeNull();
    expect(await token('salesforce')).toEqual({ instance_url: 'https://example.my.salesforce.com' });
  });
});
