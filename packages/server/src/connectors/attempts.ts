import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { hashSecret } from '../crypto/random.js';
import type { AttemptStatus, ConnectionAttemptsTable, Database } from '../storage/schema.js';
import type { Vault } from '../vault/vault.js';
import { ATTEMPT_LIFETIME_MS } from './lifecycle.js';

export interface Attempt {
  id: string;
  appId: string;
  type: string;
  scopes: string[];
  userId: string;
  status: AttemptStatus;
  failureReason: string | null;
  expiresAt: number;
  sealedCodeVerifier: string | null;
  /** When the start link sent the browser on to the provider (null: not yet). */
  departedAt: number | null;
  /** The connection settings consent is asked with (the entry's URLs are filled from them). */
  settings: Record<string, string>;
}

type Db = Kysely<Database>;

/** A new attempt; earlier pending attempts of the same connector are superseded. */
export async function createAttempt(
  db: Db,
  request: {
    appId: string;
    type: string;
    scopes: string[];
    userId: string;
    settings?: Record<string, string>;
  },
  now: number,
): Promise<Attempt> {
  await db
    .updateTable('connection_attempts')
    .set({
      status: 'FAILED',
      failure_reason: 'A newer authorization replaced this one',
      state_hash: null,
      completed_at: now,
    })
    .where('app_id', '=', request.appId)
    .where('type', '=', request.type)
    .where('status', '=', 'PENDING')
    .execute();
  // 128 random bits: the id is in the authorization link, so it must not be guessable.
  const id = randomBytes(16).toString('hex');
  const row = {
    id,
    app_id: request.appId,
    type: request.type,
    scopes: JSON.stringify(request.scopes),
    user_id: request.userId,
    status: 'PENDING' as const,
    state_hash: null,
    code_verifier: null,
    failure_reason: null,
    expires_at: now + ATTEMPT_LIFETIME_MS,
    created_at: now,
    completed_at: null,
    departed_at: null,
    connection_settings: JSON.stringify(request.settings ?? {}),
  };
  await db.insertInto('connection_attempts').values(row).execute();
  return toAttempt(row);
}

export async function findAttempt(db: Db, id: string): Promise<Attempt | undefined> {
  const row = await db.selectFrom('connection_attempts').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toAttempt(row);
}

/**
 * Uses the attempt's start link up: binds the state (stored hashed) and the sealed PKCE verifier of
 * the one trip to the provider. Only the first of two racing departures gets `true`; a pending
 * attempt that has departed once never departs again.
 */
export async function claimDeparture(
  db: Db,
  vault: Vault,
  attemptId: string,
  departure: { state: string; codeVerifier: string | null },
  now: number,
): Promise<boolean> {
  const claimed = await db
    .updateTable('connection_attempts')
    .set({
      departed_at: now,
      state_hash: hashSecret(departure.state),
      code_verifier:
        departure.codeVerifier === null
          ? null
          : vault.seal(departure.codeVerifier, verifierContext(attemptId)),
    })
    .where('id', '=', attemptId)
    .where('status', '=', 'PENDING')
    .where('departed_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1;
}

/**
 * Finds the attempt a callback's state belongs to and uses the state up: a second callback with
 * the same state finds nothing. Only one of two racing callbacks can claim it.
 */
export async function claimByState(db: Db, state: string): Promise<Attempt | undefined> {
  const stateHash = hashSecret(state);
  const row = await db
    .selectFrom('connection_attempts')
    .selectAll()
    .where('state_hash', '=', stateHash)
    .executeTakeFirst();
  if (!row) return undefined;
  const claimed = await db
    .updateTable('connection_attempts')
    .set({ state_hash: null })
    .where('id', '=', row.id)
    .where('state_hash', '=', stateHash)
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1 ? toAttempt(row) : undefined;
}

export async function finishAttempt(
  db: Db,
  attemptId: string,
  outcome: { status: 'ACTIVE' } | { status: 'FAILED'; reason: string },
  now: number,
): Promise<void> {
  await db
    .updateTable('connection_attempts')
    .set({
      status: outcome.status,
      failure_reason: outcome.status === 'FAILED' ? outcome.reason : null,
      code_verifier: null,
      completed_at: now,
    })
    .where('id', '=', attemptId)
    .where('status', '=', 'PENDING')
    .execute();
}

export function openCodeVerifier(vault: Vault, attempt: Attempt): string | null {
  return attempt.sealedCodeVerifier === null
    ? null
    : vault.open(attempt.sealedCodeVerifier, verifierContext(attempt.id));
}

/** What a sealed PKCE verifier is bound to: it opens only for its own attempt. */
export function verifierContext(attemptId: string): string {
  return `attempt/${attemptId}/code_verifier`;
}

function toAttempt(row: Selectable<ConnectionAttemptsTable>): Attempt {
  return {
    id: row.id,
    appId: row.app_id,
    type: row.type,
    scopes: JSON.parse(row.scopes),
    userId: row.user_id,
    status: row.status,
    failureReason: row.failure_reason,
    expiresAt: row.expires_at,
    sealedCodeVerifier: row.code_verifier,
    departedAt: row.departed_at,
    settings: row.connection_settings === null ? {} : JSON.parse(row.connection_settings),
  };
}
