import * as z from 'zod/mini';
import { type ConnectorStatus, IntegrationType } from './catalog.js';

// A push as a value (Terraform's plan): computed from the local files and the app's connectors,
// printed for people, emitted as JSON, and applied — the same value each time.

export const DesiredConnector = z.object({
  type: IntegrationType,
  scopes: z.array(z.string().check(z.minLength(1), z.maxLength(256))).check(z.maxLength(200)),
});
export type DesiredConnector = z.infer<typeof DesiredConnector>;

export interface RemoteConnector {
  type: string;
  scopes: string[];
  status: ConnectorStatus;
  userEmail?: string | undefined;
}

export type PlannedAction =
  /** Not on the app yet: it is created and needs authorization. */
  | { action: 'add'; type: string; scopes: string[] }
  /** On the app with other scopes: the scopes change (and may need new consent). */
  | { action: 'update'; type: string; scopes: string[]; added: string[]; removed: string[] }
  /** On the app with these scopes; it still needs authorization unless it is active. */
  | { action: 'keep'; type: string; scopes: string[]; status: ConnectorStatus }
  /** On the app but in no local file: it is removed. */
  | { action: 'remove'; type: string };

export const PlanRequest = z.object({
  connectors: z.array(DesiredConnector).check(z.maxLength(5000)),
  /** Remove connectors that are not listed; false leaves them alone. */
  prune: z._default(z.boolean(), true),
});
export type PlanRequest = z.infer<typeof PlanRequest>;

export const ApplyRequest = z.extend(PlanRequest, {
  /** The app's revision the plan was made from; the server answers 409 when it has moved on. */
  expected_revision: z.number().check(z.int(), z.gte(0)),
});
export type ApplyRequest = z.infer<typeof ApplyRequest>;

export interface PlanResponse {
  revision: number;
  actions: PlannedAction[];
}

/** What applying did to one connector. */
export type AppliedOutcome =
  | { type: string; outcome: 'synced' }
  | { type: string; outcome: 'needs_authorization'; redirect_url: string; connection_id: string }
  | { type: string; outcome: 'removed'; revoked: boolean }
  | { type: string; outcome: 'error'; error: string; error_message: string; other_user_email: string | null };

export interface ApplyResponse {
  revision: number;
  actions: PlannedAction[];
  results: AppliedOutcome[];
}

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
      actions.push({ action: 'add', type: wanted.type, scopes });
      continue;
    }
    const have = new Set(existing.scopes);
    const want = new Set(scopes);
    const added = scopes.filter((scope) => !have.has(scope));
    const removed = existing.scopes.filter((scope) => !want.has(scope));
    actions.push(
      added.length === 0 && removed.length === 0
        ? { action: 'keep', type: wanted.type, scopes, status: existing.status }
        : { action: 'update', type: wanted.type, scopes, added, removed },
    );
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

function unique(scopes: readonly string[]): string[] {
  return [...new Set(scopes)];
}
