import type { ProviderEntry } from '@base44-connectors/contract';
import type { Kysely } from 'kysely';
import { describeAuditEvent } from '../audit/describe.js';
import { type AuditEntry, latestAuditEvents } from '../audit/events.js';
import type { ProviderResolution } from '../broker/registry.js';
import type { ConnectorContext } from '../connectors/context.js';
import { listedStatus } from '../connectors/lifecycle.js';
import { type Connector, listConnectors } from '../connectors/store.js';
import type { AppRole, ConnectorState, Database } from '../storage/schema.js';
import { appPath, connectorPath } from '../web/dashboard-paths.js';

// What the dashboard's pages show, read from the database and shaped for the templates.

type Db = Kysely<Database>;

/** A connector as the dashboard shows it: `pending` is one whose first authorization never completed. */
export type DashboardStatus = 'active' | 'pending' | 'expired' | 'disconnected';

export function dashboardStatus(
  connector: { state: ConnectorState; expires_at: number | null; refresh_token: string | null },
  now: number,
): DashboardStatus {
  return connector.state === 'pending' ? 'pending' : listedStatus(connector, now);
}

export interface MemberApp {
  id: string;
  name: string;
  role: AppRole;
}

/** The app, when the user is one of its members; an unknown app and a foreign one look alike. */
export async function findMemberApp(db: Db, appId: string, userId: string): Promise<MemberApp | undefined> {
  return db
    .selectFrom('app_members')
    .innerJoin('apps', 'apps.id', 'app_members.app_id')
    .select(['apps.id', 'apps.name', 'app_members.role'])
    .where('app_members.app_id', '=', appId)
    .where('app_members.user_id', '=', userId)
    .executeTakeFirst();
}

export interface AppListItem extends MemberApp {
  url: string;
  connectors: number;
  /** Connectors that are not active: they need someone to authorize them. */
  needAttention: number;
}

export async function memberApps(db: Db, userId: string, now: number): Promise<AppListItem[]> {
  const apps = await db
    .selectFrom('app_members')
    .innerJoin('apps', 'apps.id', 'app_members.app_id')
    .select(['apps.id', 'apps.name', 'app_members.role'])
    .where('app_members.user_id', '=', userId)
    .orderBy('apps.name')
    .orderBy('apps.id')
    .execute();
  if (apps.length === 0) return [];
  const connectors = await db
    .selectFrom('connectors')
    .select(['app_id', 'state', 'expires_at', 'refresh_token'])
    .where(
      'app_id',
      'in',
      apps.map((app) => app.id),
    )
    .execute();
  return apps.map((app) => {
    const own = connectors.filter((connector) => connector.app_id === app.id);
    return {
      ...app,
      url: appPath(app.id),
      connectors: own.length,
      needAttention: own.filter((connector) => dashboardStatus(connector, now) !== 'active').length,
    };
  });
}

export interface TimeView {
  iso: string;
  text: string;
}

export function timeView(millis: number | null): TimeView | null {
  if (millis === null) return null;
  const iso = new Date(millis).toISOString();
  return { iso, text: `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` };
}

export interface ConnectorView {
  type: string;
  name: string;
  status: DashboardStatus;
  accountEmail: string | null;
  authorizedBy: string | null;
  scopes: string[];
  connectedAt: TimeView | null;
  refreshedAt: TimeView | null;
  /** A consent is under way (from the CLI or this dashboard) and not yet expired. */
  awaitingConsent: boolean;
  /** The button that sends the browser to the provider, or why this server cannot. */
  authorize: { label: 'Authorize' | 'Re-authorize'; url: string } | null;
  unavailable: string | null;
  removeUrl: string;
  /** Whether the provider can revoke tokens: the removal page says what happens to them. */
  revocable: boolean;
}

export async function connectorViews(context: ConnectorContext, appId: string): Promise<ConnectorView[]> {
  const connectors = await listConnectors(context.db, appId);
  const now = context.now();
  const emails = await userEmails(
    context.db,
    connectors.flatMap((connector) => (connector.userId ? [connector.userId] : [])),
  );
  const awaiting = new Set(
    (
      await context.db
        .selectFrom('connection_attempts')
        .select('type')
        .where('app_id', '=', appId)
        .where('status', '=', 'PENDING')
        .where('expires_at', '>', now)
        .execute()
    ).map((row) => row.type),
  );
  return connectors.map((connector) => connectorView(context, connector, { now, emails, awaiting }));
}

function connectorView(
  context: ConnectorContext,
  connector: Connector,
  known: { now: number; emails: Map<string, string>; awaiting: Set<string> },
): ConnectorView {
  const { appId, type } = connector;
  const resolution = context.providers.resolve(type);
  const ready = resolution.kind === 'ready';
  const entry = catalogEntry(resolution);
  return {
    type,
    name: entry?.displayName ?? type,
    status: dashboardStatus(
      {
        state: connector.state,
        expires_at: connector.expiresAt,
        refresh_token: connector.sealedRefreshToken,
      },
      known.now,
    ),
    accountEmail: connector.accountEmail,
    authorizedBy: connector.userId ? (known.emails.get(connector.userId) ?? null) : null,
    scopes: connector.scopes,
    connectedAt: timeView(connector.connectedAt),
    refreshedAt: timeView(connector.refreshedAt),
    awaitingConsent: known.awaiting.has(type),
    authorize: ready
      ? {
          label: connector.state === 'pending' ? 'Authorize' : 'Re-authorize',
          url: connectorPath(appId, type, 'authorize'),
        }
      : null,
    unavailable: ready
      ? null
      : resolution.kind === 'unknown'
        ? 'This server does not know this provider'
        : resolution.kind === 'unsupported'
          ? `Cannot be connected: ${resolution.reason}`
          : 'Not configured on this server',
    removeUrl: connectorPath(appId, type, 'remove'),
    revocable: entry?.revocation !== undefined,
  };
}

/** The catalog entry of a type, whether or not this server can authorize it. */
export function catalogEntry(resolution: ProviderResolution): ProviderEntry | undefined {
  if (resolution.kind === 'ready') return resolution.provider.entry;
  return resolution.kind === 'unknown' ? undefined : resolution.entry;
}

export interface AuditView {
  when: TimeView;
  actor: string | null;
  label: string;
  type: string | null;
  summary: string;
}

export async function auditViews(db: Db, appId: string): Promise<AuditView[]> {
  return (await latestAuditEvents(db, appId, 50)).map(auditView);
}

function auditView(entry: AuditEntry): AuditView {
  return {
    when: timeView(entry.createdAt)!,
    actor: entry.actorEmail,
    type: entry.integrationType,
    ...describeAuditEvent(entry),
  };
}

async function userEmails(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'email']).where('id', 'in', ids).execute();
  return new Map(rows.map((row) => [row.id, row.email]));
}
