import type { Kysely } from 'kysely';
import { findUserByEmail, normalizeEmail, type User } from '../accounts/users.js';
import { type Lockouts, PASSWORD_LOCKOUT } from '../auth/lockouts.js';
import { verifyPassword } from '../crypto/passwords.js';
import type { Database } from '../storage/schema.js';

export type PasswordSignIn =
  | { ok: true; user: User }
  | { ok: false; reason: 'wrong' }
  | { ok: false; reason: 'locked'; retryAfterSeconds: number };

/** What both sign-in forms (device verification page, dashboard) say when an account is locked. */
export function lockedMessage(retryAfterSeconds: number): string {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return `Too many sign-in attempts for this account. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

/**
 * A hash of a random password nobody kept: an unknown email is checked against it, so it costs as
 * much time as a known one and timing does not tell which accounts exist.
 */
const NO_ACCOUNT_HASH = 'scrypt$32768$8$1$ijpVr9psVBNCVh9AfdzbcQ$EZEbSqNaThYYbxpVW6KatISm5ltdnD3Y_fDa7IBVumg';

/** What guesses at one account's password count against, whichever form they come through. */
export function passwordGuessKey(email: string): string {
  return `password:${normalizeEmail(email)}`;
}

/**
 * The one password check of the web pages. Every guess counts against the account it names, known
 * or not, so the lock cannot tell either; the right password clears the count.
 */
export async function signInWithPassword(
  db: Kysely<Database>,
  lockouts: Lockouts,
  form: { email: string; password: string },
): Promise<PasswordSignIn> {
  const key = passwordGuessKey(form.email);
  const attempt = await lockouts.attempt(key, PASSWORD_LOCKOUT);
  if (!attempt.allowed) return { ok: false, reason: 'locked', retryAfterSeconds: attempt.retryAfterSeconds };
  const account = form.email ? await findUserByEmail(db, form.email) : undefined;
  const valid = await verifyPassword(form.password, account?.passwordHash ?? NO_ACCOUNT_HASH);
  if (!account || !valid) return { ok: false, reason: 'wrong' };
  await lockouts.clear(key);
  return { ok: true, user: { id: account.id, email: account.email, name: account.name } };
}
