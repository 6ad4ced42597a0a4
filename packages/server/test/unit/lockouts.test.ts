import { describe, expect, it } from 'vitest';
import { decideAttempt, type LockoutPolicy, type LockoutRecord } from '../../src/auth/lockouts.js';

const POLICY: LockoutPolicy = { maxFailures: 3, windowMs: 60_000, lockMs: 300_000 };
const T = 1_000_000;

/** The record after `count` guesses starting at `start`, each one second after the last. */
function guesses(count: number, start = T): { record: LockoutRecord | undefined; allowed: boolean[] } {
  let record: LockoutRecord | undefined;
  const allowed: boolean[] = [];
  for (let guess = 0; guess < count; guess++) {
    const decision = decideAttempt(record, start + guess * 1000, POLICY);
    allowed.push(decision.allowed);
    record = decision.next;
  }
  return { record, allowed };
}

describe('deciding whether one more guess may be checked', () => {
  it('allows as many guesses as the policy says within the window, then refuses and locks', () => {
    const { record, allowed } = guesses(4);
    expect(allowed).toEqual([true, true, true, false]);
    expect(record).toEqual({ attempts: 4, windowStartedAt: T, lockedUntil: T + 3000 + POLICY.lockMs });
  });

  it('refuses everything while locked and says how long is left, rounded up to a second', () => {
    const { record } = guesses(4);
    const decision = decideAttempt(record, T + 3000 + POLICY.lockMs - 1500, POLICY);
    expect(decision).toEqual({ allowed: false, next: record, retryAfterSeconds: 2 });
  });

  it('starts afresh once the lock has passed', () => {
    const { record } = guesses(4);
    const decision = decideAttempt(record, T + 3000 + POLICY.lockMs, POLICY);
    expect(decision).toEqual({
      allowed: true,
      next: { attempts: 1, windowStartedAt: T + 3000 + POLICY.lockMs, lockedUntil: null },
    });
  });

  it('forgets guesses older than the window', () => {
    const { record } = guesses(3);
    const decision = decideAttempt(record, T + POLICY.windowMs, POLICY);
    expect(decision).toEqual({
      allowed: true,
      next: { attempts: 1, windowStartedAt: T + POLICY.windowMs, lockedUntil: null },
    });
  });
});
