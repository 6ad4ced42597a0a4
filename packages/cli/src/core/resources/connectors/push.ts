import {
  type AppliedOutcome,
  type DesiredConnector,
  type PlannedAction,
  planPush,
} from '@base44-connectors/contract';
import { ApiError, CliError } from '../../errors.js';
import type { ConnectorsApi } from './api.js';

// The push, without a word of output: plan, apply, wait for authorizations. The command renders.

export interface Plan {
  actions: PlannedAction[];
  /** The app's revision the plan was made from; null on a server without the plan endpoint. */
  revision: number | null;
}

export async function planRemote(api: ConnectorsApi, desired: DesiredConnector[]): Promise<Plan> {
  try {
    const { revision, actions } = await api.plan({ connectors: desired, prune: true });
    return { revision, actions };
  } catch (error) {
    if (!isMissingRoute(error)) throw error;
    // A server with the public API only: compare with the list here.
    const { integrations } = await api.list();
    const remote = integrations.map((i) => ({
      type: i.integration_type,
      scopes: i.scopes,
      status: i.status,
    }));
    return { revision: null, actions: planPush(desired, remote, { prune: true }) };
  }
}

export class ConflictError extends CliError {
  constructor(message: string) {
    super(message, 'conflict');
  }
}

/**
 * Applies the plan in one request where the server offers it, with the revision it was planned
 * from: if someone else pushed in between, the server refuses (409) and nothing was changed.
 */
export async function applyPlan(
  api: ConnectorsApi,
  desired: DesiredConnector[],
  plan: Plan,
): Promise<AppliedOutcome[]> {
  if (plan.revision !== null) {
    try {
      const response = await api.apply({
        connectors: desired,
        prune: true,
        expected_revision: plan.revision,
      });
      return response.results;
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) throw new ConflictError(error.message);
      throw error;
    }
  }
  return Promise.all(plan.actions.map((action) => applyOne(api, action)));
}

/** The public API's way: one request per connector (all at once). */
async function applyOne(api: ConnectorsApi, action: PlannedAction): Promise<AppliedOutcome> {
  if (action.action === 'remove') {
    await api.remove(action.type);
    return { type: action.type, outcome: 'removed', revoked: false };
  }
  const answer = await api.put(action.type, action.scopes);
  if (answer.error) {
    return {
      type: action.type,
      outcome: 'error',
      error: answer.error,
      error_message: answer.error_message ?? answer.error,
      other_user_email: answer.other_user_email,
    };
  }
  if (answer.redirect_url && answer.connection_id) {
    return {
      type: action.type,
      outcome: 'needs_authorization',
      redirect_url: answer.redirect_url,
      connection_id: answer.connection_id,
    };
  }
  return { type: action.type, outcome: 'synced' };
}

export type AuthorizationOutcome =
  | { type: string; status: 'ACTIVE' }
  | { type: string; status: 'FAILED'; reason: string }
  | { type: string; status: 'TIMED_OUT'; reason: string };

/**
 * Waits for every authorization at once, long-polling each; `onSettled` hears of each the moment
 * the server knows it.
 */
export async function awaitAuthorizations(
  api: ConnectorsApi,
  pending: readonly { type: string; connection_id: string }[],
  options: { timeoutMs: number; now?: () => number; onSettled: (outcome: AuthorizationOutcome) => void },
): Promise<AuthorizationOutcome[]> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  return Promise.all(
    pending.map(async ({ type, connection_id }) => {
      let outcome: AuthorizationOutcome | undefined;
      while (!outcome) {
        const left = deadline - now();
        if (left <= 0) {
          outcome = { type, status: 'TIMED_OUT', reason: 'authorization timed out' };
          break;
        }
        const answer = await api
          .status(type, connection_id, Math.min(25, Math.ceil(left / 1000)))
          .catch(async (error) => {
            // A blip (server restarting, network) must not end the wait: try again while time is left.
            if (!isTransient(error)) throw error;
            await new Promise((resolve) =>
              setTimeout(resolve, Math.min(1000, Math.max(0, deadline - now()))),
            );
            return undefined;
          });
        if (answer?.status === 'ACTIVE') outcome = { type, status: 'ACTIVE' };
        if (answer?.status === 'FAILED') {
          outcome = { type, status: 'FAILED', reason: answer.failure_reason ?? 'authorization failed' };
        }
      }
      options.onSettled(outcome);
      return outcome;
    }),
  );
}

function isTransient(error: unknown): boolean {
  return (
    (error instanceof ApiError && error.status >= 500) ||
    (error instanceof CliError && error.code === 'server_unreachable')
  );
}

function isMissingRoute(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    error.status === 404 &&
    error.code === 'not_found' &&
    /No route/.test(error.message)
  );
}
