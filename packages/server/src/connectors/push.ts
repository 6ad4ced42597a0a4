import {
  ApiErrorCode,
  type AppliedOutcome,
  type ApplyRequest,
  type ApplyResponse,
  type DesiredConnector,
  type PlannedAction,
  type PlanRequest,
  type PlanResponse,
  planPush,
  type RemoteConnector,
} from '@base44-connectors/contract';
import type { Kysely } from 'kysely';
import type { User } from '../accounts/users.js';
import { recordAuditEvent } from '../audit/events.js';
import { effectiveSettings } from '../broker/endpoint-urls.js';
import { HttpError } from '../http/errors.js';
import type { Database } from '../storage/schema.js';
import { type AuthorizationOutcome, authorizeWithin, providerProblem, requireProvider } from './authorize.js';
import type { ConnectorContext } from './context.js';
import { grantCovers, listedStatus } from './lifecycle.js';
import { revokeGrant } from './remove.js';
import { checkedSettings } from './settings.js';
import { appChangedTopic } from './status.js';
import { bumpRevision, type Connector, deleteConnector, listConnectors, readRevision } from './store.js';

/** How `external-auth/list` shows a connector; a plan compares the local files with exactly this. */
export function remoteConnector(connector: Connector, now: number): RemoteConnector {
  return {
    type: connector.type,
    scopes: connector.scopes,
    status: listedStatus(
      {
        state: connector.state,
        expires_at: connector.expiresAt,
        refresh_token: connector.sealedRefreshToken,
      },
      now,
    ),
    userEmail: connector.accountEmail ?? undefined,
  };
}

/** `POST external-auth/plan`: what a push would do to the app's connectors; changes nothing. */
export async function planConnectorPush(
  context: ConnectorContext,
  appId: string,
  request: PlanRequest,
): Promise<PlanResponse> {
  const desired = requirePushable(context, request.connectors);
  // The revision before the connectors: a change between the two reads makes the plan look
  // older than it is, so applying it answers 409 instead of acting on a stale view.
  const revision = await readRevision(context.db, appId);
  const connectors = await listConnectors(context.db, appId);
  const now = context.now();
  const remote = connectors.map((connector) =>
    withGrantSettings(context, remoteConnector(connector, now), connector),
  );
  return { revision, actions: planPush(desired, remote, { prune: request.prune }) };
}

export interface AppliedPush {
  response: ApplyResponse;
  /** Removed connectors whose tokens the provider did not confirm revoking, for the log. */
  revocationProblems: { type: string; reason: string }[];
}

/** One action as the transaction left it: done (and whether it wrote), or removed with the tokens still to revoke. */
type Step = { outcome: AuthorizationOutcome; wrote: boolean } | { removed: Connector };

/**
 * `POST external-auth/apply`: the whole push in one transaction, from the revision the caller
 * planned from (409 when the app has moved on). Removed connectors' tokens are revoked at the
 * provider after the commit, so a failed transaction never revokes anything.
 */
export async function applyConnectorPush(
  context: ConnectorContext,
  appId: string,
  user: User,
  request: ApplyRequest,
): Promise<AppliedPush> {
  const desired = requirePushable(context, request.connectors);
  const { revision, actions, steps } = await context.db.transaction().execute(async (trx) => {
    // Locks the app row on PostgreSQL; SQLite runs one transaction at a time anyway.
    const current = await readRevision(trx, appId, context.rowLocks);
    if (current !== request.expected_revision) throw conflict(request.expected_revision, current);
    const now = context.now();
    const connectors = new Map((await listConnectors(trx, appId)).map((c) => [c.type, c]));
    const remote = [...connectors.values()].map((connector) =>
      withGrantSettings(context, remoteConnector(connector, now), connector),
    );
    const actions = planPush(desired, remote, { prune: request.prune });
    const steps: Step[] = [];
    for (const action of actions) {
      steps.push(
        await applyAction(trx, context, { appId, user, action, existing: connectors.get(action.type) }),
      );
    }
    const changed = steps.some((step) => 'removed' in step || step.wrote);
    if (changed) await bumpRevision(trx, appId);
    const revision = changed ? current + 1 : current;
    await recordAuditEvent(
      trx,
      {
        appId,
        actorUserId: user.id,
        action: 'pushed',
        integrationType: null,
        detail: pushSummary(actions, revision),
      },
      now,
    );
    return { revision, actions, steps };
  });
  if (revision !== request.expected_revision) await context.events.publish(appChangedTopic(appId));

  const revocationProblems: AppliedPush['revocationProblems'] = [];
  const results = await Promise.all(
    steps.map(async (step): Promise<AppliedOutcome> => {
      if ('outcome' in step) return step.outcome;
      const { type } = step.removed;
      const removal = await revokeGrant(context, step.removed).catch((error: unknown) => ({
        revoked: false,
        revocationProblem: error instanceof Error ? error.message : String(error),
      }));
      if (removal.revocationProblem) revocationProblems.push({ type, reason: removal.revocationProblem });
      return { type, outcome: 'removed', revoked: removal.revoked };
    }),
  );
  return { response: { revision, actions, results }, revocationProblems };
}

async function applyAction(
  trx: Kysely<Database>,
  context: ConnectorContext,
  step: { appId: string; user: User; action: PlannedAction; existing: Connector | undefined },
): Promise<Step> {
  const { appId, user, action, existing } = step;
  if (action.action === 'remove') {
    await deleteConnector(trx, appId, action.type);
    await recordAuditEvent(
      trx,
      {
        appId,
        actorUserId: user.id,
        action: 'removed',
        integrationType: action.type,
        detail: { account_email: existing?.accountEmail ?? null },
      },
      context.now(),
    );
    return { removed: existing! };
  }
  // A kept connector that works is left alone, whoever authorized it; any other needs consent again.
  if (
    action.action === 'keep' &&
    action.status === 'active' &&
    grantCovers(existing!.grantedScopes, action.scopes)
  ) {
    return { outcome: { type: action.type, outcome: 'synced' }, wrote: false };
  }
  const request = {
    appId,
    type: action.type,
    scopes: action.scopes,
    user,
    settings: action.connection_config,
  };
  const outcome = await authorizeWithin(trx, context, request);
  // Authorizing writes new scopes or a new attempt, unless it ends in an error.
  return { outcome, wrote: outcome.outcome !== 'error' };
}

/** What a push did, by action, for the audit trail. */
function pushSummary(actions: readonly PlannedAction[], revision: number) {
  const typesOf = (kind: PlannedAction['action']) =>
    actions.filter((action) => action.action === kind).map((action) => action.type);
  return {
    revision,
    added: typesOf('add'),
    updated: typesOf('update'),
    removed: typesOf('remove'),
    kept: typesOf('keep'),
  };
}

function conflict(expected: number, current: number): HttpError {
  return new HttpError(
    409,
    `The app's connectors changed since you planned (revision ${expected}, now ${current}): plan again`,
    ApiErrorCode.conflict,
  );
}

/**
 * The settings of a connector's grant, for comparing with wanted ones (defaults filled in, like
 * theirs); a type this server no longer offers keeps what it has.
 */
export function withGrantSettings(
  context: ConnectorContext,
  remote: RemoteConnector,
  connector: Connector,
): RemoteConnector {
  const resolution = context.providers.resolve(connector.type);
  if (resolution.kind !== 'ready') return remote;
  return { ...remote, settings: connector.settings ?? effectiveSettings(resolution.provider.entry, {}) };
}

/**
 * Every requested type once, every one known and configured here, and its settings ones its entry
 * declares; all problems reported at once. The connectors with their settings' defaults filled in.
 */
function requirePushable(
  context: ConnectorContext,
  connectors: readonly DesiredConnector[],
): DesiredConnector[] {
  const seen = new Set<string>();
  const duplicates = connectors.flatMap((connector, index) => {
    const repeated = seen.has(connector.type);
    seen.add(connector.type);
    return repeated
      ? [{ name: `connectors.${index}.type`, message: `"${connector.type}" is listed more than once` }]
      : [];
  });
  if (duplicates.length > 0) {
    const summary = duplicates.map((error) => `${error.name}: ${error.message}`).join('; ');
    throw new HttpError(422, `Invalid request body: ${summary}`, ApiErrorCode.validation, {
      errors: duplicates,
    });
  }

  const problems = connectors.flatMap((connector, index) => {
    const problem = providerProblem(context, connector.type);
    return problem ? [{ name: `connectors.${index}.type`, problem }] : [];
  });
  if (problems.length === 0) return withCheckedSettings(context, connectors);
  // An unknown type is the graver problem: it answers 404 like PUT does; else 400 (not configured).
  const worst = problems.find(({ problem }) => problem.statusCode === 404) ?? problems[0]!;
  throw new HttpError(
    worst.problem.statusCode,
    problems.map(({ problem }) => problem.message).join(' '),
    worst.problem.code,
    { errors: problems.map(({ name, problem }) => ({ name, message: problem.message })) },
  );
}

/** The connectors with their given settings checked (one 422 naming every wrong one) and defaults filled in. */
function withCheckedSettings(
  context: ConnectorContext,
  connectors: readonly DesiredConnector[],
): DesiredConnector[] {
  const errors: { name: string; message: string }[] = [];
  const checked = connectors.map((connector, index) => {
    if (connector.connection_config === undefined) return connector;
    const { entry } = requireProvider(context, connector.type);
    try {
      const where = `connectors.${index}.connection_config`;
      return { ...connector, connection_config: checkedSettings(entry, connector.connection_config, where) };
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      errors.push(...(error.extraData?.errors ?? []));
      return connector;
    }
  });
  if (errors.length === 0) return checked;
  const summary = errors.map((error) => error.message).join('; ');
  throw new HttpError(422, `Invalid connection_config: ${summary}`, ApiErrorCode.validation, { errors });
}
