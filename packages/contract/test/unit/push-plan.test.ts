import { describe, expect, it } from 'vitest';
import type { ConnectorStatus } from '../../src/catalog.js';
import {
  ApplyRequest,
  type PlannedAction,
  PlanRequest,
  planChangesSomething,
  planPush,
  type RemoteConnector,
} from '../../src/push-plan.js';

const remote = (type: string, scopes: string[], status: ConnectorStatus = 'active'): RemoteConnector => ({
  type,
  scopes,
  status,
});

describe('planPush', () => {
  it('adds a connector the app does not have yet', () => {
    expect(planPush([{ type: 'slack', scopes: ['chat:write'] }], [], { prune: true })).toEqual([
      { action: 'add', type: 'slack', scopes: ['chat:write'] },
    ]);
  });

  it('updates a connector whose scopes differ, naming the scopes added and removed', () => {
    const actions = planPush(
      [{ type: 'slack', scopes: ['chat:write', 'users:read'] }],
      [remote('slack', ['chat:write', 'channels:read'])],
      { prune: true },
    );
    expect(actions).toEqual([
      {
        action: 'update',
        type: 'slack',
        scopes: ['chat:write', 'users:read'],
        added: ['users:read'],
        removed: ['channels:read'],
      },
    ]);
  });

  it('keeps a connector with the same scopes in any order, and carries its status', () => {
    const actions = planPush(
      [
        { type: 'github', scopes: ['repo', 'read:user'] },
        { type: 'slack', scopes: ['chat:write'] },
      ],
      [remote('github', ['read:user', 'repo']), remote('slack', ['chat:write'], 'expired')],
      { prune: true },
    );
    expect(actions).toEqual([
      { action: 'keep', type: 'github', scopes: ['repo', 'read:user'], status: 'active' },
      { action: 'keep', type: 'slack', scopes: ['chat:write'], status: 'expired' },
    ]);
  });

  it('removes connectors that no local file lists only when pruning', () => {
    const local = [{ type: 'slack', scopes: [] }];
    const app = [remote('slack', []), remote('notion', [], 'disconnected')];
    expect(planPush(local, app, { prune: true })).toContainEqual({ action: 'remove', type: 'notion' });
    expect(planPush(local, app, { prune: false }).map((action) => action.action)).toEqual(['keep']);
  });

  it('sorts the actions by type, whatever the order of the files and of the app', () => {
    const actions = planPush(
      [
        { type: 'zoom', scopes: [] },
        { type: 'asana', scopes: [] },
      ],
      [remote('notion', []), remote('github', [])],
      { prune: true },
    );
    expect(actions.map((action) => action.type)).toEqual(['asana', 'github', 'notion', 'zoom']);
  });

  it('collapses duplicate scopes, so a repeated scope neither adds nor updates anything', () => {
    expect(planPush([{ type: 'slack', scopes: ['a', 'a', 'b'] }], [], { prune: true })).toEqual([
      { action: 'add', type: 'slack', scopes: ['a', 'b'] },
    ]);
    expect(
      planPush([{ type: 'slack', scopes: ['a', 'b', 'a'] }], [remote('slack', ['b', 'a'])], { prune: true }),
    ).toEqual([{ action: 'keep', type: 'slack', scopes: ['a', 'b'], status: 'active' }]);
  });

  it('plans nothing for an app and files that are both empty', () => {
    expect(planPush([], [], { prune: true })).toEqual([]);
  });
});

describe('planChangesSomething', () => {
  const keep = (status: ConnectorStatus): PlannedAction => ({
    action: 'keep',
    type: 'slack',
    scopes: [],
    status,
  });

  it('is false for nothing at all and for kept active connectors only', () => {
    expect(planChangesSomething([])).toBe(false);
    expect(planChangesSomething([keep('active'), { ...keep('active'), type: 'github' }])).toBe(false);
  });

  it('is true for a kept connector that still needs authorization', () => {
    expect(planChangesSomething([keep('disconnected')])).toBe(true);
    expect(planChangesSomething([keep('expired')])).toBe(true);
  });

  it('is true for an add, an update or a remove', () => {
    expect(planChangesSomething([{ action: 'add', type: 'slack', scopes: [] }])).toBe(true);
    expect(
      planChangesSomething([{ action: 'update', type: 'slack', scopes: ['a'], added: ['a'], removed: [] }]),
    ).toBe(true);
    expect(planChangesSomething([keep('active'), { action: 'remove', type: 'github' }])).toBe(true);
  });
});

describe('the plan and apply requests', () => {
  it('prune by default, and apply needs the revision it was planned from', () => {
    expect(PlanRequest.parse({ connectors: [] })).toEqual({ connectors: [], prune: true });
    expect(ApplyRequest.safeParse({ connectors: [] }).success).toBe(false);
    expect(ApplyRequest.safeParse({ connectors: [], expected_revision: -1 }).success).toBe(false);
  });
});

describe('planPush with connection settings', () => {
  const salesforce = (settings?: Record<string, string>) => ({
    type: 'salesforce',
    scopes: ['api'],
    status: 'active' as ConnectorStatus,
    ...(settings ? { settings } : {}),
  });
  const wanted = {
    type: 'salesforce',
    scopes: ['api'],
    connection_config: { login_host: 'test.salesforce.com' },
  };

  it('keeps a connector whose grant has the wanted settings, and updates one whose setting differs', () => {
    expect(planPush([wanted], [salesforce({ login_host: 'test.salesforce.com' })], { prune: true })).toEqual([
      { action: 'keep', ...salesforce(), connection_config: wanted.connection_config },
    ]);
    expect(planPush([wanted], [salesforce({ login_host: 'login.salesforce.com' })], { prune: true })).toEqual(
      [
        {
          action: 'update',
          type: 'salesforce',
          scopes: ['api'],
          added: [],
          removed: [],
          connection_config: wanted.connection_config,
          changed_settings: ['login_host'],
        },
      ],
    );
  });

  it('sends the settings again where the server does not say what the grant has, and ignores settings a file does not give', () => {
    expect(planPush([wanted], [salesforce()], { prune: true })).toMatchObject([
      { action: 'update', changed_settings: ['login_host'] },
    ]);
    expect(
      planPush([{ type: 'salesforce', scopes: ['api'] }], [salesforce({ login_host: 'x' })], { prune: true }),
    ).toEqual([{ action: 'keep', type: 'salesforce', scopes: ['api'], status: 'active' }]);
  });
});
