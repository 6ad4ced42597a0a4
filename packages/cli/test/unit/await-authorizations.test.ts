import { describe, expect, it } from 'vitest';
import { ApiError, CliError } from '../../src/core/errors.js';
import {
  type AuthorizationOutcome,
  awaitAuthorizations,
  MIN_POLL_SPACING_MS,
  POLL_INTERVAL_MS,
  POLL_JITTER_MS,
  type StatusSource,
} from '../../src/core/resources/connectors/authorizations.js';

type Answer = { status: 'PENDING' | 'ACTIVE' | 'FAILED'; failure_reason?: string };

/** A virtual clock: sleeping moves time on at once, and every pause is written down. */
function aClock() {
  let time = 0;
  const pauses: number[] = [];
  return {
    now: () => time,
    sleep: async (ms: number) => {
      pauses.push(ms);
      time += ms;
    },
    advance: (ms: number) => {
      time += ms;
    },
    pauses,
  };
}

/** A status endpoint that answers from a script, one answer (or failure) per call. */
function scriptedSource(script: (() => Answer)[], options: { longPolls?: boolean } = {}) {
  let call = 0;
  const source: StatusSource = {
    status: async () => script[Math.min(call++, script.length - 1)]!(),
    list: async () => ({ integrations: [] }),
    longPolls: () => options.longPolls ?? false,
  };
  return { source, calls: () => call };
}

const onSettled = () => {};

describe('waiting for authorizations', () => {
  it('rides out a server error and a lost connection, and still reports the completion', async () => {
    const { source, calls } = scriptedSource([
      () => {
        throw new ApiError(503, 'restarting', 'unavailable');
      },
      () => {
        throw new CliError('Cannot reach the server', 'server_unreachable');
      },
      () => ({ status: 'ACTIVE' }),
    ]);
    const settled: string[] = [];
    const clock = aClock();
    const outcomes = await awaitAuthorizations(source, [{ type: 'slack', connection_id: 'c1' }], {
      timeoutMs: 10_000,
      ...clock,
      onSettled: (outcome: AuthorizationOutcome) => settled.push(`${outcome.type} ${outcome.status}`),
    });
    expect(outcomes).toEqual([{ type: 'slack', status: 'ACTIVE' }]);
    expect(settled).toEqual(['slack ACTIVE']);
    expect(calls()).toBe(3);
  });

  it('gives up on an error that will not pass, such as a refusal', async () => {
    const { source } = scriptedSource([
      () => {
        throw new ApiError(404, 'No connection', 'not_found');
      },
    ]);
    await expect(
      awaitAuthorizations(source, [{ type: 'slack', connection_id: 'c1' }], {
        timeoutMs: 5000,
        ...aClock(),
        onSettled,
      }),
    ).rejects.toThrow('No connection');
  });

  it('reports a failure with the server’s reason, and a timeout once the time is up', async () => {
    const failed = scriptedSource([
      () => ({ status: 'FAILED', failure_reason: 'Access was denied at Slack.' }),
    ]);
    expect(
      await awaitAuthorizations(failed.source, [{ type: 'slack', connection_id: 'c1' }], {
        timeoutMs: 5000,
        ...aClock(),
        onSettled,
      }),
    ).toEqual([{ type: 'slack', status: 'FAILED', reason: 'Access was denied at Slack.' }]);

    const pending = scriptedSource([() => ({ status: 'PENDING' })]);
    expect(
      await awaitAuthorizations(pending.source, [{ type: 'notion', connection_id: 'c2' }], {
        timeoutMs: 5000,
        ...aClock(),
        onSettled,
      }),
    ).toEqual([{ type: 'notion', status: 'TIMED_OUT', reason: 'authorization timed out' }]);
  });

  it('asks a server that answers at once every 2 s plus jitter, never faster', async () => {
    const pending = scriptedSource([() => ({ status: 'PENDING' })]);
    const clock = aClock();
    await awaitAuthorizations(pending.source, [{ type: 'slack', connection_id: 'c1' }], {
      timeoutMs: 60_000,
      ...clock,
      random: () => 0.5,
      onSettled,
    });
    const pace = POLL_INTERVAL_MS + POLL_JITTER_MS / 2;
    expect(pending.calls()).toBe(Math.ceil(60_000 / pace));
    expect(clock.pauses.slice(0, -1).every((pause) => pause === pace)).toBe(true);
  });

  it('asks a long-polling server again as soon as it answers, but not twice within a second', async () => {
    const clock = aClock();
    let calls = 0;
    const source: StatusSource = {
      status: async () => {
        calls++;
        clock.advance(calls === 1 ? 25_000 : 100); // a full long-poll, then a quick (woken) answer
        return { status: calls === 3 ? 'ACTIVE' : 'PENDING' };
      },
      list: async () => ({ integrations: [] }),
      longPolls: () => true,
    };
    await awaitAuthorizations(source, [{ type: 'slack', connection_id: 'c1' }], {
      timeoutMs: 120_000,
      ...clock,
      onSettled,
    });
    expect(clock.pauses).toEqual([0, MIN_POLL_SPACING_MS - 100]);
  });

  it('waits as long as Retry-After says after a 429, then goes on waiting', async () => {
    const { source, calls } = scriptedSource([
      () => {
        throw new ApiError(429, 'Too many requests', 'rate_limited', { retryAfterMs: 7000 });
      },
      () => ({ status: 'ACTIVE' }),
    ]);
    const clock = aClock();
    const outcomes = await awaitAuthorizations(source, [{ type: 'slack', connection_id: 'c1' }], {
      timeoutMs: 60_000,
      ...clock,
      random: () => 0,
      onSettled,
    });
    expect(outcomes).toEqual([{ type: 'slack', status: 'ACTIVE' }]);
    expect(calls()).toBe(2);
    expect(clock.pauses).toEqual([7000]);
  });

  it('watches a link without a connection id through the list, one list request per round', async () => {
    const clock = aClock();
    let lists = 0;
    const source: StatusSource = {
      status: async () => {
        throw new Error('no status request without a connection id');
      },
      list: async () => {
        lists++;
        const status = lists >= 3 ? 'active' : 'disconnected';
        return {
          integrations: [
            { integration_type: 'slack', status, scopes: [] },
            { integration_type: 'notion', status, scopes: [] },
          ],
        };
      },
      longPolls: () => false,
    };
    const outcomes = await awaitAuthorizations(
      source,
      [
        { type: 'slack', connection_id: null },
        { type: 'notion', connection_id: null },
      ],
      { timeoutMs: 60_000, ...clock, random: () => 0, onSettled },
    );
    expect(outcomes).toEqual([
      { type: 'slack', status: 'ACTIVE' },
      { type: 'notion', status: 'ACTIVE' },
    ]);
    expect(lists).toBe(3);
    expect(clock.pauses).toEqual([POLL_INTERVAL_MS, POLL_INTERVAL_MS, POLL_INTERVAL_MS]);
  });
});
