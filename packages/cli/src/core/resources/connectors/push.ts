import {
  type AppliedOutcome,
  type AvailableIntegration,
  type DesiredConnector,
  type PlannedAction,
  planPush,
  STRIPE_TYPE,
  type StripeStatusResponse,
} from '@base44-connectors/contract';
import pLimit from 'p-limit';
import { ApiError, CliError, NotLoggedInError } from '../../errors.js';
import type { ConnectorsApi } from './api.js';

// The push, without a word of output: plan, then apply. The command renders; waiting for the
// authorizations is authorizations.ts.

export interface Plan {
  actions: PlannedAction[];
  /** The app's revision the plan was made from; null on a server without `plan`/`apply` (the cloud). */
  revision: number | null;
}

export interface RemoteView {
  /** The types the server's catalog offers. */
  offered: string[];
  plan: Plan;
}

/** PUTs and DELETEs in flight at once against a server without `apply`. */
export const PUBLIC_API_CONCURRENCY = 16;

/**
 * The catalog and the plan in one round trip. Every request that either kind of server may need
 * leaves at once; which answers count is decided by what the server says it supports (its
 * `x-base44-extensions` header), never by an error's text. Stripe is planned beside the OAuth
 * connectors, from `payments/stripe/status`.
 */
export async function planAgainstServer(
  api: ConnectorsApi,
  desired: readonly DesiredConnector[],
  /** Runs as soon as the catalog is in, before any other answer is read: an unknown type or setting ends the push there. */
  checkOffered: (offered: string[], integrations: AvailableIntegration[]) => void = () => {},
): Promise<RemoteView> {
  const oauth = desired.filter((connector) => connector.type !== STRIPE_TYPE);
  const wantsStripe = oauth.length !== desired.length;
  const available = api.available();
  const planned = api.plan({ connectors: oauth, prune: true });
  const listed = api.list();
  const stripe = api.stripeStatus();
  for (const speculative of [planned, listed, stripe]) speculative.catch(() => {});

  const { integrations } = await available;
  const offered = integrations.map((integration) => integration.integration_type);
  checkOffered(offered, integrations);
  let plan: Plan;
  if (api.client.supports('plan')) {
    const { revision, actions } = await planned;
    plan = { revision, actions };
  } else {
    const { integrations } = await listed;
    const remote = integrations.map((i) => ({
      type: i.integration_type,
      scopes: i.scopes,
      status: i.status,
    }));
    plan = { revision: null, actions: planPush(oauth, remote, { prune: true }) };
  }
  const stripeAction = planStripe(wantsStripe, await stripe.catch(() => undefined));
  if (stripeAction)
    plan.actions = [...plan.actions, stripeAction].sort((a, b) => a.type.localeCompare(b.type));
  return { offered, plan };
}

/**
 * Stripe's step: installed when a file names it, removed when none does (base44-server, which
 * provisions none, always reports none). When its status cannot be read and a file names it,
 * install is tried all the same (it answers `already_installed`).
 */
function planStripe(wanted: boolean, status: StripeStatusResponse | undefined): PlannedAction | undefined {
  const installed = status !== undefined && status.stripe_mode !== null;
  if (wanted) {
    return installed
      ? { action: 'keep', type: STRIPE_TYPE, scopes: [], status: 'active' }
      : { action: 'add', type: STRIPE_TYPE, scopes: [] };
  }
  return installed ? { action: 'remove', type: STRIPE_TYPE } : undefined;
}

export class ConflictError extends CliError {
  constructor(message: string) {
    super(message, 'conflict');
  }
}

/**
 * Applies the plan: in one request where the server offers `apply`, with the revision it was
 * planned from (if someone else pushed in between, the server refuses with 409 and nothing was
 * changed); otherwise one request per connector, a few at a time, each failure that connector's
 * own. Stripe goes through `payments/stripe`.
 */
export async function applyPlan(
  api: ConnectorsApi,
  desired: readonly DesiredConnector[],
  plan: Plan,
): Promise<AppliedOutcome[]> {
  const stripe = plan.actions.filter((action) => action.type === STRIPE_TYPE);
  const oauth = plan.actions.filter((action) => action.type !== STRIPE_TYPE);
  const limit = pLimit(PUBLIC_API_CONCURRENCY);
  const stripeOutcomes = Promise.all(stripe.map((action) => applyStripe(api, action)));
  let outcomes: AppliedOutcome[];
  if (plan.revision !== null) {
    try {
      const response = await api.apply({
        connectors: desired.filter((connector) => connector.type !== STRIPE_TYPE),
        prune: true,
        expected_revision: plan.revision,
      });
      outcomes = response.results;
    } catch (error) {
      stripeOutcomes.catch(() => {});
      if (error instanceof ApiError && error.status === 409) throw new ConflictError(error.message);
      throw error;
    }
  } else {
    outcomes = await Promise.all(oauth.map((action) => limit(() => applyOne(api, action))));
  }
  return [...outcomes, ...(await stripeOutcomes)].sort((a, b) => a.type.localeCompare(b.type));
}

/** The public API's way, for one connector; a refusal is this connector's failure, not the push's. */
async function applyOne(api: ConnectorsApi, action: PlannedAction): Promise<AppliedOutcome> {
  try {
    if (action.action === 'remove') {
      const removed = await api.remove(action.type);
      return { type: action.type, outcome: 'removed', revoked: removed.revoked ?? false };
    }
    if (action.action === 'keep' && action.status === 'active')
      return { type: action.type, outcome: 'synced' };
    const answer = await api.put(action.type, action.scopes, action.connection_config);
    if (answer.error) {
      return {
        type: action.type,
        outcome: 'error',
        error: answer.error,
        error_message:
          answer.error_message ??
          (answer.other_user_email ? `already connected by ${answer.other_user_email}` : answer.error),
        other_user_email: answer.other_user_email,
      };
    }
    if (!answer.already_authorized && answer.redirect_url) {
      return {
        type: action.type,
        outcome: 'needs_authorization',
        redirect_url: answer.redirect_url,
        connection_id: answer.connection_id,
      };
    }
    return { type: action.type, outcome: 'synced' };
  } catch (error) {
    return failedOutcome(action.type, error);
  }
}

async function applyStripe(api: ConnectorsApi, action: PlannedAction): Promise<AppliedOutcome> {
  try {
    if (action.action === 'remove') {
      await api.removeStripe();
      return { type: STRIPE_TYPE, outcome: 'removed', revoked: false };
    }
    if (action.action === 'keep') return { type: STRIPE_TYPE, outcome: 'synced' };
    const installed = await api.installStripe();
    return installed.already_installed
      ? { type: STRIPE_TYPE, outcome: 'synced' }
      : { type: STRIPE_TYPE, outcome: 'provisioned', claim_url: installed.claim_url };
  } catch (error) {
    return failedOutcome(STRIPE_TYPE, error);
  }
}

/** A request for one connector failed: its `Failed:` entry, with the server's words. Lost credentials end the push. */
function failedOutcome(type: string, error: unknown): AppliedOutcome {
  if (error instanceof NotLoggedInError || !(error instanceof CliError)) throw error;
  return {
    type,
    outcome: 'error',
    error: error.code,
    error_message: error instanceof ApiError ? error.oneLine : error.message,
    other_user_email: null,
  };
}
