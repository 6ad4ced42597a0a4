import { type Kysely, PostgresAdapter } from 'kysely';
import { hashSecret } from '../crypto/random.js';
import type { Database } from '../storage/schema.js';

// Lockouts against guessing: each guess of a password (per account) or of a device user code (per
// signed-in account typing codes) is counted before it is checked, so parallel guesses cannot slip
// past the count; a guess that turns out right is given back. Too many within the window lock the
// key for a while, whatever is presented. The state lives in the database: every instance sharing
// it counts together, and a restart does not reset the count.

export interface LockoutPolicy {
  /** Guesses allowed within the window; the next one is refused and starts the lock. */
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

const MINUTE_MS = 60_000;

/** Ten wrong passwords for one account within 15 minutes lock its password sign-in for 15 minutes. */
export const PASSWORD_LOCKOUT: LockoutPolicy = {
  maxFailures: 10,
  windowMs: 15 * MINUTE_MS,
  lockMs: 15 * MINUTE_MS,
};

/** Ten wrong user codes typed by one signed-in account within 15 minutes stop it typing codes for 15 minutes. */
export const USER_CODE_LOCKOUT: LockoutPolicy = {
  maxFailures: 10,
  windowMs: 15 * MINUTE_MS,
  lockMs: 15 * MINUTE_MS,
};

export interface LockoutRecord {
  /** Guesses counted in this window (given-back ones excluded). */
  attempts: number;
  windowStartedAt: number;
  lockedUntil: number | null;
}

export type AttemptDecision =
  | { allowed: true; next: LockoutRecord }
  | { allowed: false; next: LockoutRecord; retryAfterSeconds: number };

/** Whether one more guess may be checked now, and the record that counts it. */
export function decideAttempt(
  current: LockoutRecord | undefined,
  now: number,
  policy: LockoutPolicy,
): AttemptDecision {
  if (current?.lockedUntil != null && now < current.lockedUntil) {
    return { allowed: false, next: current, retryAfterSeconds: secondsUntil(current.lockedUntil, now) };
  }
  const fresh = !current || current.lockedUntil != null || now - current.windowStartedAt >= policy.windowMs;
  const base: LockoutRecord = fresh ? { attempts: 0, windowStartedAt: now, lockedUntil: null } : current;
  const attempts = base.attempts + 1;
  if (attempts > policy.maxFailures) {
    const lockedUntil = now + policy.lockMs;
    return {
      allowed: false,
      next: { ...base, attempts, lockedUntil },
      retryAfterSeconds: secondsUntil(lockedUntil, now),
    };
  }
  return { allowed: true, next: { ...base, attempts } };
}

function secondsUntil(moment: number, now: number): number {
  return Math.max(1, Math.ceil((moment - now) / 1000));
}

export type Attempt = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface LockoutsTable {
  key_hash: string;
  attempts: number;
  window_started_at: number;
  locked_until: number | null;
  /** When the record no longer matters: the end of its window or of its lock. */
  expires_at: number;
}

export class Lockouts {
  private readonly db: Kysely<Database & { lockouts: LockoutsTable }>;
  /** PostgreSQL locks the key's row for the count; SQLite runs one transaction at a time anyway. */
  private readonly rowLocks: boolean;

  constructor(
    db: Kysely<Database>,
    private readonly now: () => number,
  ) {
    this.db = db.withTables<{ lockouts: LockoutsTable }>();
    this.rowLocks = db.getExecutor().adapter instanceof PostgresAdapter;
  }

  /**
   * Counts a guess at `key`; refused while the key is locked or when this guess is one too many.
   * Guesses racing for one key are counted one after the other: none goes uncounted.
   */
  async attempt(key: string, policy: LockoutPolicy): Promise<Attempt> {
    const keyHash = hashSecret(key);
    const now = this.now();
    const { decision, created } = await this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('lockouts')
        .values({
          key_hash: keyHash,
          ...columns({ attempts: 0, windowStartedAt: now, lockedUntil: null }, policy),
        })
        .onConflict((conflict) => conflict.column('key_hash').doNothing())
        .executeTakeFirst();
      const created = Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
      const query = trx.selectFrom('lockouts').selectAll().where('key_hash', '=', keyHash);
      const row = await (this.rowLocks ? query.forUpdate() : query).executeTakeFirstOrThrow();
      const current = created
        ? undefined
        : { attempts: row.attempts, windowStartedAt: row.window_started_at, lockedUntil: row.locked_until };
      const decision = decideAttempt(current, now, policy);
      if (decision.next !== current) {
        await trx
          .updateTable('lockouts')
          .set(columns(decision.next, policy))
          .where('key_hash', '=', keyHash)
          .execute();
      }
      return { decision, created };
    });
    // A new key is the moment to forget the ones whose window and lock have both passed.
    if (created) await this.db.deleteFrom('lockouts').where('expires_at', '<=', now).execute();
    return decision.allowed
      ? { allowed: true }
      : { allowed: false, retryAfterSeconds: decision.retryAfterSeconds };
  }

  /** Gives a guess back: it was right (a code that exists), so it does not count against the key. */
  async release(key: string): Promise<void> {
    await this.db
      .updateTable('lockouts')
      .set((eb) => ({ attempts: eb('attempts', '-', 1) }))
      .where('key_hash', '=', hashSecret(key))
      .where('attempts', '>', 0)
      .execute();
  }

  /** Forgets every guess at `key`: the right password was given. */
  async clear(key: string): Promise<void> {
    await this.db.deleteFrom('lockouts').where('key_hash', '=', hashSecret(key)).execute();
  }
}

function columns(record: LockoutRecord, policy: LockoutPolicy): Omit<LockoutsTable, 'key_hash'> {
  return {
    attempts: record.attempts,
    window_started_at: record.windowStartedAt,
    locked_until: record.lockedUntil,
    expires_at: Math.max(record.windowStartedAt + policy.windowMs, record.lockedUntil ?? 0),
  };
}
