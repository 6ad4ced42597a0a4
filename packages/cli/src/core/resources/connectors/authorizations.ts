import type { ConnectionStatusResponse, ListIntegrationsResponse } from '@base44-connectors/contract';
import { ApiError, CliError } from '../../errors.js';

export type AuthorizationOutcome =
  | { type: string; status: 'ACTIVE' }
  /** `reason` is the server's, when it gives one (the Base44 cloud does not). */
  | { type: string; status: 'FAILED'; reason?: string }
  | { type: string; status: 'TIMED_OUT'; reason: string };

/** Where the waiter reads how authorizations stand. */
export interface StatusSource {
  status(type: string, connectionId: string, waitSeconds: number): Promise<ConnectionStatusResponse>;
  list(): Promise<ListIntegrationsResponse>;
  /** Whether the server holds a status request until the status changes (`status-wait`). */
  longPolls(): boolean;
}

export interface WaitOptions {
  timeoutMs: number;
  onSettled: (outcome: AuthorizationOutcome) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** The public CLI's pace against a server that answers at once: every 2 s, plus jitter here. */
export const POLL_INTERVAL_MS = 2000;
export const POLL_JITTER_MS = 500;
/** However the server answers, no connector is asked about more often than this. */
export const MIN_POLL_SPACING_MS = 1000;
const LONG_POLL_SECONDS = 25;

/**
 * Waits for every authorization at once; `onSettled` hears of each the moment the server knows
 * it. A server that long-polls is asked again as soon as it answers; one that answers at once
 * (the Base44 cloud) every 2 s with jitter. 429 and 503 slow the wait down (`Retry-After`), and
 * other passing failures (a restart, the network) are ridden out until the time is up. A link
 * without a `connection_id` (the cloud may send one) is watched through the app's list.
 */
/** How an unfinished authorization reads in people's words: `authorization failed: <why>` or the reason. */
export function describeUnfinished(outcome: Exclude<AuthorizationOutcome, { status: 'ACTIVE' }>): string {
  if (outcome.status === 'FAILED')
    return outcome.reason ? `authorization failed: ${outcome.reason}` : 'authorization failed';
  return outcome.reason;
}

export async function awaitAuthorizations(
  source: StatusSource,
  pending: readonly { type: string; connection_id: string | null }[],
  options: WaitOptions,
): Promise<AuthorizationOutcome[]> {
  const clock = {
    now: options.now ?? Date.now,
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    random: options.random ?? Math.random,
  };
  const deadline = clock.now() + options.timeoutMs;
  const settle = (outcome: AuthorizationOutcome) => {
    options.onSettled(outcome);
    return outcome;
  };
  const unlisted = pending.filter((item) => item.connection_id === null).map((item) => item.type);
  const watchedByList =
    unlisted.length > 0 ? watchList(source, unlisted, deadline, clock, settle) : undefined;
  const outcomes = await Promise.all(
    pending.map(async ({ type, connection_id }) =>
      connection_id === null
        ? (await watchedByList!).get(type)!
        : settle(await pollOne(source, type, connection_id, deadline, clock)),
    ),
  );
  return outcomes;
}

type Clock = Required<Pick<WaitOptions, 'now' | 'sleep' | 'random'>>;

async function pollOne(
  source: StatusSource,
  type: string,
  connectionId: string,
  deadline: number,
  clock: Clock,
): Promise<AuthorizationOutcome> {
  for (;;) {
    const left = deadline - clock.now();
    if (left <= 0) return { type, status: 'TIMED_OUT', reason: 'authorization timed out' };
    const started = clock.now();
    let pause: number;
    try {
      const answer = await source.status(
        type,
        connectionId,
        Math.min(LONG_POLL_SECONDS, Math.ceil(left / 1000)),
      );
      if (answer.status === 'ACTIVE') return { type, status: 'ACTIVE' };
      if (answer.status === 'FAILED')
        return answer.failure_reason
          ? { type, status: 'FAILED', reason: answer.failure_reason }
          : { type, status: 'FAILED' };
      pause = source.longPolls() ? MIN_POLL_SPACING_MS - (clock.now() - started) : nextPoll(clock);
    } catch (error) {
      if (!isPassing(error)) throw error;
      pause = Math.max(nextPoll(clock), (error instanceof ApiError && error.retryAfterMs) || 0);
    }
    await clock.sleep(Math.max(0, Math.min(pause, deadline - clock.now())));
  }
}

/** One list request per round for every link without an attempt id; ACTIVE once the list says active. */
async function watchList(
  source: StatusSource,
  types: string[],
  deadline: number,
  clock: Clock,
  settle: (outcome: AuthorizationOutcome) => AuthorizationOutcome,
): Promise<Map<string, AuthorizationOutcome>> {
  const settled = new Map<string, AuthorizationOutcome>();
  while (settled.size < types.length) {
    let pause = nextPoll(clock);
    await clock.sleep(Math.max(0, Math.min(pause, deadline - clock.now())));
    if (deadline - clock.now() <= 0) break;
    try {
      const { integrations } = await source.list();
      for (const type of types) {
        const listed = integrations.find((integration) => integration.integration_type === type);
        if (!settled.has(type) && listed?.status === 'active')
          settled.set(type, settle({ type, status: 'ACTIVE' }));
      }
    } catch (error) {
      if (!isPassing(error)) throw error;
      pause = (error instanceof ApiError && error.retryAfterMs) || 0;
      if (pause > 0) await clock.sleep(Math.max(0, Math.min(pause, deadline - clock.now())));
    }
  }
  for (const type of types) {
    if (!settled.has(type))
      settled.set(type, settle({ type, status: 'TIMED_OUT', reason: 'authorization timed out' }));
  }
  return settled;
}

function nextPoll(clock: Clock): number {
  return POLL_INTERVAL_MS + Math.floor(clock.random() * POLL_JITTER_MS);
}

/** A failure that may pass while the person is still in the browser. */
function isPassing(error: unknown): boolean {
  if (error instanceof ApiError) return error.status === 429 || error.status === 408 || error.status >= 500;
  return (
    error instanceof CliError && (error.code === 'server_unreachable' || error.code === 'server_timeout')
  );
}
