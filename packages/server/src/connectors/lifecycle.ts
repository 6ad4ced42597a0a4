import type { ConnectionStatus, ConnectorStatus } from '@base44-connectors/contract';
import type { AttemptStatus, ConnectorState } from '../storage/schema.js';

// The one place that decides how a connector and its authorization attempts change state.
//
//   connector:  (none) ─consent_requested→ pending ─authorized→ active ─refresh_rejected/token_lapsed→ expired
//                                                                   └──revoked──────────────────────→ disconnected
//               any state ─authorized→ active (re-consent);  active stays active while a re-consent is pending
//   attempt:    PENDING ─authorized→ ACTIVE;  PENDING ─failed (denied, provider error, 10 minutes passed)→ FAILED

export type ConnectorEvent =
  | 'consent_requested'
  | 'authorized'
  | 'refresh_rejected'
  | 'token_lapsed'
  | 'revoked';

const CONNECTOR_TRANSITIONS: Record<
  ConnectorState | 'none',
  Partial<Record<ConnectorEvent, ConnectorState>>
> = {
  none: { consent_requested: 'pending' },
  pending: { consent_requested: 'pending', authorized: 'active' },
  active: {
    consent_requested: 'active',
    authorized: 'active',
    refresh_rejected: 'expired',
    token_lapsed: 'expired',
    revoked: 'disconnected',
  },
  expired: {
    consent_requested: 'expired',
    authorized: 'active',
    refresh_rejected: 'expired',
    token_lapsed: 'expired',
  },
  disconnected: { consent_requested: 'disconnected', authorized: 'active', revoked: 'disconnected' },
};

export class InvalidTransition extends Error {}

export function nextConnectorState(
  current: ConnectorState | undefined,
  event: ConnectorEvent,
): ConnectorState {
  const next = CONNECTOR_TRANSITIONS[current ?? 'none'][event];
  if (!next)
    throw new InvalidTransition(
      `A connector that is ${current ?? 'absent'} cannot be ${event.replace('_', ' ')}`,
    );
  return next;
}

/** How `external-auth/list` shows a connector: a never-completed one is `disconnected`. */
export function listedStatus(
  connector: { state: ConnectorState; expires_at: number | null; refresh_token: string | null },
  now: number,
): ConnectorStatus {
  if (connector.state === 'pending') return 'disconnected';
  const lapsed =
    connector.expires_at !== null && connector.expires_at <= now && connector.refresh_token === null;
  return connector.state === 'active' && lapsed ? 'expired' : connector.state;
}

export const ATTEMPT_LIFETIME_MS = 10 * 60 * 1000;
export const ATTEMPT_EXPIRED_REASON = 'The authorization was not completed within 10 minutes';

/** An attempt's status as the API reports it: a pending attempt past its expiry has failed. */
export function attemptStatus(
  attempt: { status: AttemptStatus; expiresAt: number },
  now: number,
): ConnectionStatus {
  if (attempt.status === 'PENDING' && attempt.expiresAt <= now) return 'FAILED';
  return attempt.status;
}

/** Whether the stored grant already covers the requested scopes, so no new consent is needed. */
export function grantCovers(granted: readonly string[] | null, requested: readonly string[]): boolean {
  if (granted === null) return false;
  const have = new Set(granted);
  return requested.every((scope) => have.has(scope));
}
