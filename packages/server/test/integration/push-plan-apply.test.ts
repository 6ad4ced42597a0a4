import type {
  AppliedOutcome,
  ApplyResponse,
  DesiredConnector,
  PlanResponse,
} from '@base44-connectors/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/accounts/users.js';
import { storeGrant } from '../../src/connectors/store.js';
import { loadKeyring } from '../../src/vault/keyring.js';
import { Vault } from '../../src/vault/vault.js';
import { anApp, aServiceKey, aUser, aWorkspaceKey } from '../support/accounts.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { createTestServer, type TestServer } from '../support/server.js';

// The push of spec/architecture.md in two requests: plan (a value, changing nothing) and apply
// (one transaction from the revision planned from). Connectors become active here through the
// store, without a browser; the browser flow has e2e tests of its own.
describe.each(DATABASE_KINDS)('external-auth/plan and external-auth/apply on %s', (kind) => {
  let server: TestServer;
  let vault: Vault;
  let owner: User;
  let teammate: User;
  let ownerKey: string;
  let teammateKey: string;

  beforeAll(async () => {
    // Listening, so that revocation reaches the sandbox provider as it would a real one.
    server = await createTestServer(kind, { sandbox: true, listen: true });
    vault = new Vault(loadKeyring(server.config.dataDir, undefined));
    owner = await aUser(server.storage, 'owner@example.com');
    teammate = await aUser(server.storage, 'teammate@example.com');
    ownerKey = await aWorkspaceKey(server.storage, owner);
    teammateKey = await aWorkspaceKey(server.storage, teammate);
  });
  afterAll(() => server.close());

  const anAppOfBoth = () => anApp(server.storage, owner, [teammate]);

  function post(
    appId: string,
    path: 'plan' | 'apply',
    body: unknown,
    headers: Record<string, string> = { api_key: ownerKey },
  ) {
    return server.app.inject({
      method: 'POST',
      url: `/api/apps/${appId}/external-auth/${path}`,
      headers,
      payload: body as Record<string, unknown>,
    });
  }

  async function plan(appId: string, connectors: DesiredConnector[], prune = true): Promise<PlanResponse> {
    const response = await post(appId, 'plan', { connectors, prune });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }

  async function apply(
    appId: string,
    connectors: DesiredConnector[],
    options: { prune?: boolean; from?: number; as?: string } = {},
  ): Promise<ApplyResponse> {
    const expected_revision = options.from ?? (await revisionOf(appId));
    const response = await post(
      appId,
      'apply',
      { connectors, prune: options.prune ?? true, expected_revision },
      { api_key: options.as ?? ownerKey },
    );
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }

  /** Makes a connector active as a completed authorization would. */
  async function activate(
    appId: string,
    type: string,
    grant: {
      scopes: string[];
      granted?: string[];
      by?: User;
      expiresAt?: number;
      refreshToken?: string | null;
    },
  ): Promise<void> {
    const by = grant.by ?? owner;
    await storeGrant(
      server.storage.db,
      vault,
      appId,
      type,
      {
        userId: by.id,
        scopes: grant.scopes,
        grantedScopes: grant.granted ?? grant.scopes,
        accountEmail: by.email,
        accessToken: `access-${type}`,
        refreshToken: grant.refreshToken === undefined ? `refresh-${type}` : grant.refreshToken,
        expiresAt: grant.expiresAt ?? null,
        connectionConfig: {},
      },
      server.clock.now(),
    );
  }

  async function revisionOf(appId: string): Promise<number> {
    const row = await server.storage.db
      .selectFrom('apps')
      .select('revision')
      .where('id', '=', appId)
      .executeTakeFirstOrThrow();
    return Number(row.revision);
  }

  /** Everything a push may change: the revision, the connectors and their attempts. */
  async function snapshot(appId: string) {
    const { db } = server.storage;
    return {
      revision: await revisionOf(appId),
      connectors: await db
        .selectFrom('connectors')
        .selectAll()
        .where('app_id', '=', appId)
        .orderBy('type')
        .execute(),
      attempts: await db
        .selectFrom('connection_attempts')
        .selectAll()
        .where('app_id', '=', appId)
        .orderBy('id')
        .execute(),
    };
  }

  async function connector(appId: string, type: string) {
    return server.storage.db
      .selectFrom('connectors')
      .selectAll()
      .where('app_id', '=', appId)
      .where('type', '=', type)
      .executeTakeFirst();
  }

  function needsAuthorization(result: AppliedOutcome | undefined): string {
    if (result?.outcome !== 'needs_authorization' || !result.connection_id)
      throw new Error(`not needs_authorization with a connection id: ${JSON.stringify(result)}`);
    expect(result.redirect_url).toBe(`${server.url}/oauth/start/${result.connection_id}`);
    return result.connection_id;
  }

  it('plans every kind of action from the app as list reports it, and changes nothing', async () => {
    const appId = await anAppOfBoth();
    await activate(appId, 'slack', { scopes: ['chat:write'] });
    await activate(appId, 'github', { scopes: ['repo'] });
    await activate(appId, 'notion', { scopes: [] });
    const before = await snapshot(appId);

    const planned = await plan(appId, [
      { type: 'slack', scopes: ['chat:write'] },
      { type: 'github', scopes: ['repo', 'gist'] },
      { type: 'linear', scopes: ['read'] },
    ]);

    expect(planned).toEqual({
      revision: before.revision,
      actions: [
        { action: 'update', type: 'github', scopes: ['repo', 'gist'], added: ['gist'], removed: [] },
        { action: 'add', type: 'linear', scopes: ['read'] },
        { action: 'remove', type: 'notion' },
        { action: 'keep', type: 'slack', scopes: ['chat:write'], status: 'active' },
      ],
    });
    expect(await snapshot(appId)).toEqual(before);
  });

  it('adds a connector that needs authorization, with a link, and moves the revision on once', async () => {
    const appId = await anAppOfBoth();
    const applied = await apply(appId, [
      { type: 'slack', scopes: ['chat:write'] },
      { type: 'github', scopes: ['repo'] },
    ]);

    expect(applied.revision).toBe(1);
    expect(applied.actions.map((action) => `${action.action} ${action.type}`)).toEqual([
      'add github',
      'add slack',
    ]);
    expect(applied.results.map((result) => result.type)).toEqual(['github', 'slack']);
    const connectionId = needsAuthorization(applied.results[0]);
    const status = await server.app.inject({
      url: `/api/apps/${appId}/external-auth/status?integration_type=github&connection_id=${connectionId}`,
      headers: { api_key: ownerKey },
    });
    expect(status.json()).toEqual({ status: 'PENDING' });
    expect((await plan(appId, [{ type: 'github', scopes: ['repo'] }], false)).actions).toEqual([
      { action: 'keep', type: 'github', scopes: ['repo'], status: 'disconnected' },
    ]);
  });

  it('syncs scopes the stored grant covers and asks consent for scopes it does not', async () => {
    const appId = await anAppOfBoth();
    await activate(appId, 'slack', { scopes: ['chat:write', 'users:read'] });
    await activate(appId, 'github', { scopes: ['repo'] });

    const applied = await apply(appId, [
      { type: 'slack', scopes: ['chat:write'] },
      { type: 'github', scopes: ['repo', 'gist'] },
    ]);

    expect(applied.results[1]).toEqual({ type: 'slack', outcome: 'synced' });
    needsAuthorization(applied.results[0]);
    expect(applied.revision).toBe(1);
    expect(JSON.parse((await connector(appId, 'slack'))!.scopes)).toEqual(['chat:write']);
    // The old grant keeps working while the new consent is pending.
    expect(await connector(appId, 'github')).toMatchObject({
      state: 'active',
      scopes: JSON.stringify(['repo', 'gist']),
    });
  });

  it('removes connectors no file lists when pruning, revoking their tokens, and leaves them without', async () => {
    const appId = await anAppOfBoth();
    await activate(appId, 'slack', { scopes: [] });
    await activate(appId, 'notion', { scopes: [] });
    const kept = [{ type: 'slack', scopes: [] }];

    const left = await apply(appId, kept, { prune: false });
    expect(left).toMatchObject({ revision: 0, results: [{ type: 'slack', outcome: 'synced' }] });
    expect(await connector(appId, 'notion')).toBeDefined();

    const pruned = await apply(appId, kept, { prune: true });
    expect(pruned).toEqual({
      revision: 1,
      actions: [
        { action: 'remove', type: 'notion' },
        { action: 'keep', type: 'slack', scopes: [], status: 'active' },
      ],
      results: [
        { type: 'notion', outcome: 'removed', revoked: true },
        { type: 'slack', outcome: 'synced' },
      ],
    });
    expect(await connector(appId, 'notion')).toBeUndefined();
  });

  it('gives a kept connector that is pending or expired a fresh attempt, which is how a re-run completes it', async () => {
    const appId = await anAppOfBoth();
    const first = await apply(appId, [{ type: 'github', scopes: ['repo'] }]);
    const firstId = needsAuthorization(first.results[0]);
    await activate(appId, 'slack', { scopes: [], expiresAt: server.clock.now() - 1000, refreshToken: null });

    const again = await apply(appId, [
      { type: 'github', scopes: ['repo'] },
      { type: 'slack', scopes: [] },
    ]);

    expect(again.actions).toEqual([
      { action: 'keep', type: 'github', scopes: ['repo'], status: 'disconnected' },
      { action: 'keep', type: 'slack', scopes: [], status: 'expired' },
    ]);
    const secondId = needsAuthorization(again.results[0]);
    needsAuthorization(again.results[1]);
    expect(secondId).not.toBe(firstId);
    const superseded = await server.app.inject({
      url: `/api/apps/${appId}/external-auth/status?connection_id=${firstId}`,
      headers: { api_key: ownerKey },
    });
    expect(superseded.json()).toMatchObject({ status: 'FAILED' });
  });

  it('refuses a stale expected_revision with 409 and changes nothing', async () => {
    const appId = await anAppOfBoth();
    await apply(appId, [{ type: 'github', scopes: ['repo'] }]);
    await activate(appId, 'slack', { scopes: [] });
    const before = await snapshot(appId);

    const response = await post(appId, 'apply', {
      connectors: [{ type: 'notion', scopes: [] }],
      prune: true,
      expected_revision: 0,
    });

    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({
      message: "The app's connectors changed since you planned (revision 0, now 1): plan again",
      code: 'conflict',
    });
    expect(await snapshot(appId)).toEqual(before);
  });

  it('lets exactly one of two applies from the same revision through', async () => {
    const appId = await anAppOfBoth();
    const body = (type: string) => ({
      connectors: [{ type, scopes: [] }],
      prune: true,
      expected_revision: 0,
    });

    const responses = await Promise.all([
      post(appId, 'apply', body('slack')),
      post(appId, 'apply', body('github')),
    ]);

    expect(responses.map((response) => response.statusCode).sort()).toEqual([200, 409]);
    const winner = responses.find((response) => response.statusCode === 200)!.json() as ApplyResponse;
    const after = await snapshot(appId);
    expect(after.revision).toBe(1);
    expect(after.connectors.map((row) => row.type)).toEqual([winner.actions[0]!.type]);
    expect(after.attempts).toHaveLength(1);
  });

  it('refuses a batch with unknown types with 404, naming them all, before changing anything', async () => {
    const appId = await anAppOfBoth();
    await activate(appId, 'notion', { scopes: [] });
    const before = await snapshot(appId);
    const connectors = [
      { type: 'slack', scopes: [] },
      { type: 'slakc', scopes: [] },
      { type: 'nosuch', scopes: [] },
    ];

    for (const path of ['plan', 'apply'] as const) {
      const response = await post(appId, path, { connectors, prune: true, expected_revision: 0 });
      expect(response.statusCode).toBe(404);
      const body = response.json();
      expect(body.code).toBe('unknown_integration_type');
      expect(body.message).toContain('"slakc"');
      expect(body.message).toContain('"nosuch"');
      expect(body.extra_data.errors.map((error: { name: string }) => error.name)).toEqual([
        'connectors.1.type',
        'connectors.2.type',
      ]);
    }
    expect(await snapshot(appId)).toEqual(before);
  });

  it('refuses a type listed twice, and a malformed body, with 422 naming the field', async () => {
    const appId = await anAppOfBoth();
    const twice = await post(appId, 'plan', {
      connectors: [
        { type: 'slack', scopes: [] },
        { type: 'slack', scopes: ['chat:write'] },
      ],
    });
    expect(twice.statusCode).toBe(422);
    expect(twice.json().message).toContain('"slack" is listed more than once');
    expect(twice.json().extra_data.errors).toEqual([
      { name: 'connectors.1.type', message: '"slack" is listed more than once' },
    ]);

    const noRevision = await post(appId, 'apply', { connectors: [] });
    expect(noRevision.statusCode).toBe(422);
    expect(noRevision.json().extra_data.errors[0].name).toBe('expected_revision');
  });

  it('answers different_user for a connector another member authorized, and applies the rest', async () => {
    const appId = await anAppOfBoth();
    await activate(appId, 'slack', { scopes: ['chat:write'], by: owner });
    await activate(appId, 'notion', { scopes: [], by: owner });

    const applied = await apply(
      appId,
      [
        { type: 'slack', scopes: ['chat:write', 'users:read'] },
        { type: 'notion', scopes: [] },
        { type: 'github', scopes: ['repo'] },
      ],
      { as: teammateKey },
    );

    expect(applied.results).toEqual([
      expect.objectContaining({ type: 'github', outcome: 'needs_authorization' }),
      { type: 'notion', outcome: 'synced' },
      {
        type: 'slack',
        outcome: 'error',
        error: 'different_user',
        error_message: expect.stringContaining('owner@example.com'),
        other_user_email: 'owner@example.com',
      },
    ]);
    expect(applied.revision).toBe(1);
    expect(JSON.parse((await connector(appId, 'slack'))!.scopes)).toEqual(['chat:write']);
  });

  it("refuses the app's service key on both routes with 403", async () => {
    const appId = await anAppOfBoth();
    const headers = {
      authorization: `Bearer ${await aServiceKey(server.storage, appId)}`,
      'x-app-id': appId,
    };
    for (const path of ['plan', 'apply'] as const) {
      const response = await post(appId, path, { connectors: [], expected_revision: 0 }, headers);
      expect(response.statusCode).toBe(403);
    }
  });
});
