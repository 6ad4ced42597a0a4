import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';

/**
 * What happened to an app's connectors, one row per change, written in the same transaction as the
 * change itself: a change that rolls back leaves no event, and no change goes unrecorded. The
 * details name scopes, accounts and types; never a token.
 */
export type AuditEvent =
  | {
      action: 'pushed';
      integrationType: null;
      detail: { revision: number; added: string[]; updated: string[]; removed: string[]; kept: string[] };
    }
  | { action: 'consent_requested'; integrationType: string; detail: { scopes: string[] } }
  | {
      action: 'added' | 'reauthorized';
      integrationType: string;
      detail: { scopes: string[]; account_email: string | null };
    }
  | { action: 'scopes_changed'; integrationType: string; detail: { from: string[]; to: string[] } }
  | {
      action: 'removed';
      integrationType: string;
      /** `revoked` is known when the tokens were revoked before the removal (DELETE, the dashboard). */
      detail: { account_email: string | null; revoked?: boolean };
    };

export type AuditAction = AuditEvent['action'];

/** Who did what to which app; `actorUserId` is the member whose request (or consent) it was. */
export type AuditRecord = AuditEvent & { appId: string; actorUserId: string | null };

/** An event as the app's page lists it. */
export type AuditEntry = AuditEvent & { id: number; actorEmail: string | null; createdAt: number };

type Db = Kysely<Database>;

export async function recordAuditEvent(db: Db, event: AuditRecord, now: number): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      app_id: event.appId,
      actor_user_id: event.actorUserId,
      action: event.action,
      integration_type: event.integrationType,
      detail: JSON.stringify(event.detail),
      created_at: now,
    })
    .execute();
}

/** Records a change of a connector's requested scopes; nothing when the set of scopes stays the same. */
export async function recordScopeChange(
  db: Db,
  change: { appId: string; type: string; actorUserId: string; from: string[]; to: string[] },
  now: number,
): Promise<void> {
  if (sameScopes(change.from, change.to)) return;
  await recordAuditEvent(
    db,
    {
      appId: change.appId,
      actorUserId: change.actorUserId,
      action: 'scopes_changed',
      integrationType: change.type,
      detail: { from: change.from, to: change.to },
    },
    now,
  );
}

/** The app's latest events, newest first. */
export async function latestAuditEvents(db: Db, appId: string, limit = 50): Promise<AuditEntry[]> {
  const rows = await db
    .selectFrom('audit_events')
    .leftJoin('users', 'users.id', 'audit_events.actor_user_id')
    .select([
      'audit_events.id',
      'audit_events.action',
      'audit_events.integration_type',
      'audit_events.detail',
      'audit_events.created_at',
      'users.email',
    ])
    .where('audit_events.app_id', '=', appId)
    .orderBy('audit_events.created_at', 'desc')
    .orderBy('audit_events.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(
    (row) =>
      ({
        id: Number(row.id),
        action: row.action,
        integrationType: row.integration_type,
        detail: JSON.parse(row.detail),
        actorEmail: row.email,
        createdAt: Number(row.created_at),
      }) as AuditEntry,
  );
}

function sameScopes(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((scope) => right.has(scope));
}
