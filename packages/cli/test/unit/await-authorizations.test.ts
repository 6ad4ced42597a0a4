import { describe, expect, it } from 'vitest';
import { ApiError, CliError } from '../../src/core/errors.js';
import type { ConnectorsApi } from '../../src/core/resources/connectors/api.js';
import { awaitAuthorizations } from '../../src/core/resources/connectors/push.js';

/** A status endpoint that answers from a script, one answer (or failure) per call. */
function scriptedApi(script: (() => { status: 'PENDING' | 'ACTIVE' | 'FAILED'; failure_reason?: string })[]) {
  let call = 0;
  return {
    calls: () => call,
    api: {
      status: async () => {
        const next = script[Math.min(call++, script.length - 1)]!;
        return next();
      },
    } as unknown as ConnectorsApi,
  };
}

describe('waiting for authorizations', () => {
  it('rides out a server error and a lost connection, and still reports the completion', async () => {
    const { api, calls } = scriptedApi([
      () => {
        throw new ApiError(503, 'restarting', 'unavailable');
      },
      () => {
        throw new CliError('Cannot reach the server', 'server_unreachable');
      },
      () => ({ status: 'ACTIVE' }),
    ]);
    const settled: string[] = [];
    const outcomes = await awaitAuthorizations(api, [{ type: 'slack', connection_id: 'c1' }], {
      timeoutMs: 10_000,
      onSettled: (outcome) => settled.push(`${outcome.type} ${outcome.status}`),
    });
    expect(outcomes).toEqual([{ type: 'slack', status: 'ACTIVE' }]);
    expect(settled).toEqual(['slack ACTIVE']);
    expect(calls()).toBe(3);
  });

  it('gives up on an error that will not pass, such as a refusal', async () => {
    const { api } = scriptedApi([
      () => {
        throw new ApiError(404, 'No connection', 'not_found');
      },
    ]);
    await expect(
      awaitAuthorizations(api, [{ type: 'slack', connection_id: 'c1' }], {
        timeoutMs: 5000,
        onSettled: () => {},
      }),
    ).rejects.toThrow('No connection');
  });

  it('reports a failure with the server’s reason, and a timeout once the time is up', async () => {
    const failed = scriptedApi([() => ({ status: 'FAILED', failure_reason: 'Access was denied at Slack.' })]);
    expect(
      await awaitAuthorizations(failed.api, [{ type: 'slack', connection_id: 'c1' }], {
        timeoutMs: 5000,
        onSettled: () => {},
      }),
    ).toEqual([{ type: 'slack', status: 'FAILED', reason: 'Access was denied at Slack.' }]);

    let clock = 0;
    const pending = scriptedApi([
      () => {
        clock += 3000;
        return { status: 'PENDING' };
      },
    ]);
    expect(
      await awaitAuthorizations(pending.api, [{ type: 'notion', connection_id: 'c2' }], {
        timeoutMs: 5000,
        now: () => clock,
        onSettled: () => {},
      }),
    ).toEqual([{ type: 'notion', status: 'TIMED_OUT', reason: 'authorization timed out' }]);
  });
});
