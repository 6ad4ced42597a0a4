import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TokenForIntegrationResponse } from '@base44-connectors/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { anApp, aServiceKey, aUser, aWorkspaceKey } from '../support/accounts.js';
import { ConnectorApi } from '../support/connectors.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { type ExternalProvider, startExternalProvider } from '../support/external-provider.js';
import { consentOverHttp } from '../support/http-consent.js';
import { createTestServer, freePort, type TestServer } from '../support/server.js';

// The values an entry's token.response.connectionConfig names (Salesforce's instance_url, Slack's
// team.id, HubSpot's hub_id, Wrike's host) travel from the provider's token response through the
// stored grant to GET external-auth/tokens/{type}. The test provider answers standard fields only,
// so the entry names two of those.

describe('connection_config from the token response', () => {
  let database: TestDatabase;
  let server: TestServer;
  let provider: ExternalProvider;

  beforeAll(async () => {
    const port = await freePort();
    [database, provider] = await Promise.all([
      createTestDatabase('sqlite'),
      startExternalProvider({ serverUrl: `http://127.0.0.1:${port}` }),
    ]);
    const entry = {
      ...provider.entry,
      token: {
        ...provider.entry.token,
        response: {
          ...provider.entry.token.response,
          connectionConfig: { token_type: 'token_type', granted: 'scope', absent: 'no.such.field' },
        },
      },
    };
    const providersFile = join(database.dataDir, 'providers.json');
    await writeFile(
      providersFile,
      JSON.stringify({ credentials: { acme: provider.credentials }, catalog: [entry] }),
    );
    const { providers } = loadConfig({ providersFile }, {});
    server = await createTestServer('sqlite', { listen: true, port, database, providers });
  });
  afterAll(async () => {
    await server?.close();
    await provider?.close();
    await database?.dispose();
  });

  it('hands the values the entry names back as connection_config of the token API, leaving out absent ones', async () => {
    const alice = await aUser(server.storage, 'alice@example.com');
    const appId = await anApp(server.storage, alice);
    const owner = new ConnectorApi(server, appId, { api_key: await aWorkspaceKey(server.storage, alice) });
    const put = await owner.put('acme', ['read']);
    const consent = await consentOverHttp(put.redirect_url!, {
      email: 'acme-user@example.com',
      decision: 'allow',
      interceptCallback: true,
    });
    expect((await fetch(consent.callbackUrl)).status).toBe(200);

    const answer = await ConnectorApi.token(server, appId, await aServiceKey(server.storage, appId), 'acme');
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as TokenForIntegrationResponse;
    expect(body.connection_config).toEqual({
      token_type: 'Bearer',
      granted: expect.stringContaining('read'),
    });
  });
});
