import { describe, expect, it } from 'vitest';
import { pushText } from '../../src/ui/messages/push.js';

describe('pushText.planLine: one line of the plan per action', () => {
  it('shows a new connector as added, needing authorization', () => {
    expect(pushText.planLine({ action: 'add', type: 'notion', scopes: [] })).toBe(
      '+ notion (new, needs authorization)',
    );
  });

  it('shows changed scopes as + and -, added first', () => {
    expect(
      pushText.planLine({
        action: 'update',
        type: 'slack',
        scopes: ['a', 'c'],
        added: ['a'],
        removed: ['b'],
      }),
    ).toBe('~ slack scopes +a -b');
    expect(
      pushText.planLine({ action: 'update', type: 'slack', scopes: [], added: [], removed: ['b', 'c'] }),
    ).toBe('~ slack scopes -b -c');
  });

  it('shows a connector missing from the local files as removed', () => {
    expect(pushText.planLine({ action: 'remove', type: 'github' })).toBe('- github (not in local files)');
  });

  it('shows nothing for a kept connector that is active', () => {
    expect(
      pushText.planLine({ action: 'keep', type: 'slack', scopes: ['a'], status: 'active' }),
    ).toBeUndefined();
  });

  it('shows a kept connector that is not active as needing authorization, with its status', () => {
    expect(pushText.planLine({ action: 'keep', type: 'slack', scopes: [], status: 'expired' })).toBe(
      '~ slack (expired, needs authorization)',
    );
    expect(pushText.planLine({ action: 'keep', type: 'box', scopes: [], status: 'disconnected' })).toBe(
      '~ box (disconnected, needs authorization)',
    );
  });
});

describe('pushText: the wording of connectors-push.md', () => {
  it('counts connectors with the right plural', () => {
    expect(pushText.found(['slack'])).toBe('Found 1 connector to push: slack');
    expect(pushText.found(['googlecalendar', 'slack'])).toBe(
      'Found 2 connectors to push: googlecalendar, slack',
    );
  });

  it('says how many connectors need authorization, in the singular for one', () => {
    expect(pushText.needAuthorization(1)).toBe('1 connector requires authorization in your browser:');
    expect(pushText.needAuthorization(2)).toBe('2 connector(s) require authorization in your browser:');
  });

  it('prints the non-interactive message as the spec writes it', () => {
    expect(pushText.nonInteractive).toBe(
      "Skipped OAuth in non-interactive mode. Run 'base44 connectors push' locally or open the links above to authorize.",
    );
  });
});
