import * as z from 'zod/mini';
import { ConnectorStatus, IntegrationType } from './catalog.js';
import { ConnectionSettings } from './connection-config.js';
import { ConnectorScopes } from './connector-file.js';

// A push as a value (Terraform's plan): computed from the local files and the app's connectors,
// printed for people, emitted as JSON, and applied — the same value each time.

export const DesiredConnector = z.object({
  type: IntegrationType,
  scopes: ConnectorScopes,
  /** The connection settings, as `PUT integrations/{type}` takes them; absent keeps the connector's. */
  connection_config: z.optional(ConnectionSettings),
});
export type DesiredConnector = z.infer<typeof DesiredConnector>;

export interface RemoteConnector {
  type: string;
  scopes: string[];
  status: ConnectorStatus;
  userEmail?: string | undefined;
  /** The settings of its grant, defaults filled in; undefined where the server does not say (the list API). */
  settings?: Record<string, string> | undefined;
}

/** The most connectors one push may hold. */
export const MAX_CONNECTORS_PER_PUSH = 5000;

export const PlanRequest = z.object({
  connectors: z.array(DesiredConnector).check(z.maxLength(MAX_CONNECTORS_PER_PUSH)),
  /** Remove connectors that are not listed; false leaves them alone. */
  prune: z._default(z.boolean(), true),
});
export type PlanRequest = z.infer<typeof PlanRequest>;

export const ApplyRequest = z.extend(PlanRequest, {
  /** The app's revision the plan was made from; the server answers 409 when it has moved on. */
  expected_revision: z.number().check(z.int(), z.gte(0)),
});
export type ApplyRequest = z.infer<typeof ApplyRequest>;

/**
 * One step of a push: `add` (not on the app yet; needs authorization), `update` (other scopes; may
 * need new consent), `keep` (these scopes; needs authorization unless active), `remove` (on the app
 * but in no local file).
 */
export const PlannedAction = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('add'),
    type: z.string(),
    scopes: z.array(z.string()),
    connection_config: z.optional(ConnectionSettings),
  }),
  z.object({
    action: z.literal('update'),
    type: z.string(),
    scopes: z.array(z.string()),
    added: z.array(z.string()),
    removed: z.array(z.string()),
    connection_config: z.optional(ConnectionSettings),
    /** The settings that differ from the grant's; every given one where the server does not say. */
    changed_settings: z.optional(z.array(z.string())),
  }),
  z.object({
    action: z.literal('keep'),
    type: z.string(),
    scopes: z.array(z.string()),
    status: ConnectorStatus,
    connection_config: z.optional(ConnectionSettings),
  }),
  z.object({ action: z.literal('remove'), type: z.string() }),
]);
export type PlannedAction = z.infer<typeof PlannedAction>;

export const PlanResponse = z.object({
  revision: z.number().check(z.int(), z.gte(0)),
  actions: z.array(PlannedAction),
});
export type PlanResponse = z.infer<typeof PlanResponse>;

/** What applying did to one connector. */
export const AppliedOutcome = z.discriminatedUnion('outcome', [
  z.object({ type: z.string(), outcome: z.literal('synced') }),
  z.object({
    type: z.string(),
    outcome: z.literal('needs_authorization'),
    redirect_url: z.string(),
    /** The cloud may send a link without an attempt id: completion is then read from the list. */
    connection_id: z.nullable(z.string()),
  }),
  z.object({ type: z.string(), outcome: z.literal('removed'), revoked: z.boolean() }),
  z.object({
    type: z.string(),
    outcome: z.literal('error'),
    error: z.string(),
    error_message: z.string(),
    other_user_email: z.nullable(z.string()),
  }),
  /** Stripe, provisioned by `payments/stripe/install`; people claim the sandbox at `claim_url`. */
  z.object({ type: z.string(), outcome: z.literal('provisioned'), claim_url: z.nullable(z.string()) }),
]);
export type AppliedOutcome = z.infer<typeof AppliedOutcome>;

export const ApplyResponse = z.object({
  revision: z.number().check(z.int(), z.gte(0)),
  actions: z.array(PlannedAction),
  results: z.array(AppliedOutcome),
});
export type ApplyResponse = z.infer<typeof ApplyResponse>;

/** The actions that bring the app's connectors to the local files, sorted by type. */
export function planPush(
  local: readonly DesiredConnector[],
  remote: readonly RemoteConnector[],
  options: { prune: boolean },
): PlannedAction[] {
  const remoteByType = new Map(remote.map((connector) => [connector.type, connector]));
  const localTypes = new Set(local.map((connector) => connector.type));
  const actions: PlannedAction[] = [];
  for (const wanted of local) {
    const scopes = unique(wanted.scopes);
    const existing = remoteByType.get(wanted.type);
    if (!existing) {
      actions.push({
        action: 'add',
        type: wanted.type,
        scopes,
        ...(wanted.connection_config ? { connection_config: wanted.connection_config } : {}),
      });
      continue;
    }
    const have = new Set(existing.scopes);
    const want = new Set(scopes);
    const added = scopes.filter((scope) => !have.has(scope));
    const removed = existing.scopes.filter((scope) => !want.has(scope));
    const changed = changedSettings(wanted.connection_config, existing.settings);
    const settings = wanted.connection_config ? { connection_config: wanted.connection_config } : {};
    if (added.length === 0 && removed.length === 0 && changed.length === 0) {
      actions.push({ action: 'keep', type: wanted.type, scopes, status: existing.status, ...settings });
    } else {
      const changedPart = changed.length > 0 ? { changed_settings: changed } : {};
      actions.push({
        action: 'update',
        type: wanted.type,
        scopes,
        added,
        removed,
        ...settings,
        ...changedPart,
      });
    }
  }
  if (options.prune) {
    for (const existing of remote) {
      if (!localTypes.has(existing.type)) actions.push({ action: 'remove', type: existing.type });
    }
  }
  return actions.sort((a, b) => a.type.localeCompare(b.type));
}

/** Whether a plan changes anything on the server (a kept, active connector changes nothing). */
export function planChangesSomething(actions: readonly PlannedAction[]): boolean {
  return actions.some((action) => action.action !== 'keep' || action.status !== 'active');
}

/**
 * The wanted settings that differ from the grant's. Where the server does not say what its grant
 * has, every wanted one counts as changed: sent again rather than silently dropped.
 */
function changedSettings(
  wanted: Readonly<Record<string, string>> | undefined,
  granted: Readonly<Record<string, string>> | undefined,
): string[] {
  if (!wanted) return [];
  const names = Object.keys(wanted);
  if (!granted) return names.sort();
  return [...new Set([...names, ...Object.keys(granted)])]
    .filter((name) => wanted[name] !== granted[name])
    .sort();
}

function unique(scopes: readonly string[]): string[] {
  return [...new Set(scopes)];
}
