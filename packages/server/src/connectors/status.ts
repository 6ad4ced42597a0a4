import type { ConnectionStatusResponse } from '@base44-connectors/contract';
import { notFound } from '../http/errors.js';
import { ANY_TOPIC } from '../storage/events.js';
import { findAttempt } from './attempts.js';
import type { ConnectorContext } from './context.js';
import { ATTEMPT_EXPIRED_REASON, attemptStatus } from './lifecycle.js';
import { Wakes } from './wakes.js';

export const MAX_WAIT_SECONDS = 30;

/**
 * Published after every change to an app's connectors: a waiter re-reads its attempt, which a
 * newer authorization may have replaced or a removal deleted.
 */
export function appChangedTopic(appId: string): string {
  return `app/${appId}`;
}

/**
 * `GET external-auth/status`: where an authorization attempt stands. With `wait`, answers the
 * moment it leaves PENDING (the callback publishes on the event channel), or when `wait` runs out.
 * A wake that finds it still PENDING (another attempt's event, a reconnected channel) waits on.
 */
export async function connectionStatus(
  context: ConnectorContext,
  request: { appId: string; type: string | undefined; connectionId: string; waitSeconds: number },
): Promise<ConnectionStatusResponse> {
  const wakes = new Wakes();
  // Listen before reading, so a completion between the read and the wait is not missed.
  const appChanged = appChangedTopic(request.appId);
  const unsubscribe = context.events.subscribe((topic) => {
    if (topic === request.connectionId || topic === appChanged || topic === ANY_TOPIC) wakes.wake();
  });
  try {
    let { expiresAt, ...current } = await read(context, request);
    let leftMs = Math.min(request.waitSeconds, MAX_WAIT_SECONDS) * 1000;
    while (current.status === 'PENDING' && leftMs > 0) {
      const untilExpiry = Math.max(0, expiresAt - context.now());
      const started = performance.now();
      await wakes.next(Math.min(leftMs, untilExpiry + 50));
      leftMs -= performance.now() - started;
      ({ expiresAt, ...current } = await read(context, request));
    }
    return current;
  } finally {
    unsubscribe();
  }
}

async function read(
  context: ConnectorContext,
  request: { appId: string; type: string | undefined; connectionId: string },
): Promise<ConnectionStatusResponse & { expiresAt: number }> {
  const attempt = /^[0-9a-f]{32}$/.test(request.connectionId)
    ? await findAttempt(context.db, request.connectionId)
    : undefined;
  if (
    !attempt ||
    attempt.appId !== request.appId ||
    (request.type !== undefined && attempt.type !== request.type)
  ) {
    throw notFound(`No connection ${request.connectionId} for ${request.type ?? 'this app'}`);
  }
  const status = attemptStatus(attempt, context.now());
  const reason = status === 'FAILED' ? (attempt.failureReason ?? ATTEMPT_EXPIRED_REASON) : undefined;
  return { status, ...(reason ? { failure_reason: reason } : {}), expiresAt: attempt.expiresAt };
}
