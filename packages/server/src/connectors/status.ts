import type { ConnectionStatusResponse } from '@base44-connectors/contract';
import { notFound } from '../http/errors.js';
import { findAttempt } from './attempts.js';
import type { ConnectorContext } from './context.js';
import { ATTEMPT_EXPIRED_REASON, attemptStatus } from './lifecycle.js';

export const MAX_WAIT_SECONDS = 30;

/**
 * `GET external-auth/status`: where an authorization attempt stands. With `wait`, answers the
 * moment it leaves PENDING (the callback publishes on the event channel), or when `wait` runs out.
 */
export async function connectionStatus(
  context: ConnectorContext,
  request: { appId: string; type: string | undefined; connectionId: string; waitSeconds: number },
): Promise<ConnectionStatusResponse> {
  let wake: () => void = () => {};
  const woken = new Promise<void>((resolve) => {
    wake = resolve;
  });
  // Listen before reading, so a completion between the read and the wait is not missed.
  const unsubscribe = context.events.subscribe((topic) => {
    if (topic === request.connectionId) wake();
  });
  try {
    const { expiresAt, ...first } = await read(context, request);
    const waitMs = Math.min(request.waitSeconds, MAX_WAIT_SECONDS) * 1000;
    if (first.status !== 'PENDING' || waitMs <= 0) return first;
    const untilExpiry = Math.max(0, expiresAt - context.now());
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      woken,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(waitMs, untilExpiry + 50)))),
    ]);
    clearTimeout(timer);
    const { expiresAt: _, ...latest } = await read(context, request);
    return latest;
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
