import type { AppliedOutcome, UpsertIntegrationResponse } from '@base44-connectors/contract';
import type { Kysely } from 'kysely';
import type { User } from '../accounts/users.js';
import { findUserById } from '../accounts/users.js';
import { recordAuditEvent, recordScopeChange } from '../audit/events.js';
import { effectiveSettings } from '../broker/endpoint-urls.js';
import type { ConfiguredProvider } from '../broker/provider.js';
import type { ProviderResolution } from '../broker/registry.js';
import { HttpError } from '../http/errors.js';
import type { Database } from '../storage/schema.js';
import { createAttempt } from './attempts.js';
import type { ConnectorContext } from './context.js';
import { grantCovers, listedStatus } from './lifecycle.js';
import { checkedSettings, sameSettings } from './settings.js';
import { appChangedTopic } from './status.js';
import { bumpRevision, findConnector, readRevision, requestConsent, setScopes } from './store.js';

/** What asking for a connector's scopes comes to: the grant covers them, consent is needed, or someone else owns it. */
export type AuthorizationOutcome = Exclude<AppliedOutcome, { outcome: 'removed' | 'provisioned' }>;

export interface AuthorizationRequest {
  appId: string;
  type: string;
  scopes: string[];
  user: User;
  /** Ask for consent even when the stored grant covers the scopes (the dashboard's re-authorize). */
  reconsent?: boolean;
  /**
   * The connection settings asked for, checked and with defaults filled in (`checkedSettings`).
   * Undefined keeps the ones the connector's grant has (a client that knows no settings).
   */
  settings?: Record<string, string> | undefined;
}

const NO_ERROR = { error: null, error_message: null, other_user_email: null };

/**
 * `PUT external-auth/integrations/{type}`: records the scopes, and answers `already_authorized`
 * when the stored grant covers them, or a link to the provider's consent page when it does not.
 */
export async function requestAuthorization(
  context: ConnectorContext,
  request: AuthorizationRequest,
): Promise<UpsertIntegrationResponse> {
  const { entry } = requireProvider(context, request.type);
  if (request.settings !== undefined)
    request = { ...request, settings: checkedSettings(entry, request.settings) };
  const outcome = await context.db.transaction().execute(async (trx) => {
    // The app row first, as `apply` does, so the two never wait on each other's locks.
    await readRevision(trx, request.appId, context.rowLocks);
    const result = await authorizeWithin(trx, context, request);
    if (result.outcome !== 'error') await bumpRevision(trx, request.appId);
    return result;
  });
  if (outcome.outcome !== 'error') await context.events.publish(appChangedTopic(request.appId));
  return toUpsertResponse(outcome);
}

/**
 * The database side of an authorization request, inside the caller's transaction; the caller
 * bumps the app's revision. An active connector whose token lapsed (and cannot be refreshed)
 * needs consent again even when its grant covers the scopes.
 */
export async function authorizeWithin(
  trx: Kysely<Database>,
  context: Pick<ConnectorContext, 'now' | 'publicUrl' | 'providers'>,
  request: AuthorizationRequest,
): Promise<AuthorizationOutcome> {
  const { appId, type, user } = request;
  const scopes = [...new Set(request.scopes)];
  const now = context.now();

  const existing = await findConnector(trx, appId, type);
  if (existing?.state === 'active' && existing.userId && existing.userId !== user.id) {
    const owner = await findUserById(trx, existing.userId);
    return {
      type,
      outcome: 'error',
      error: 'different_user',
      error_message: `${type} is already connected by ${owner?.email ?? 'another member'}; only they can change its scopes`,
      other_user_email: owner?.email ?? null,
    };
  }

  const grantUsable =
    existing !== undefined &&
    listedStatus(
      { state: existing.state, expires_at: existing.expiresAt, refresh_token: existing.sealedRefreshToken },
      now,
    ) === 'active';
  const scopeChange = { appId, type, actorUserId: user.id, from: existing?.scopes ?? scopes, to: scopes };
  // A grant from before settings existed was made with the defaults.
  const { entry } = requireProvider(context, type);
  const granted = existing?.settings ?? effectiveSettings(entry, {});
  const settings = request.settings ?? granted;
  if (
    existing &&
    grantUsable &&
    grantCovers(existing.grantedScopes, scopes) &&
    sameSettings(granted, settings) &&
    !request.reconsent
  ) {
    await setScopes(trx, appId, type, scopes, now);
    await recordScopeChange(trx, scopeChange, now);
    return { type, outcome: 'synced' };
  }

  await requestConsent(trx, appId, type, scopes, now);
  const attempt = await createAttempt(trx, { appId, type, scopes, userId: user.id, settings }, now);
  await recordScopeChange(trx, scopeChange, now);
  await recordAuditEvent(
    trx,
    { appId, actorUserId: user.id, action: 'consent_requested', integrationType: type, detail: { scopes } },
    now,
  );
  return {
    type,
    outcome: 'needs_authorization',
    redirect_url: `${context.publicUrl}/oauth/start/${attempt.id}`,
    connection_id: attempt.id,
  };
}

function toUpsertResponse(outcome: AuthorizationOutcome): UpsertIntegrationResponse {
  switch (outcome.outcome) {
    case 'synced':
      return { redirect_url: null, connection_id: null, already_authorized: true, ...NO_ERROR };
    case 'needs_authorization':
      return {
        redirect_url: outcome.redirect_url,
        connection_id: outcome.connection_id,
        already_authorized: false,
        ...NO_ERROR,
      };
    case 'error':
      return {
        redirect_url: null,
        connection_id: null,
        already_authorized: false,
        error: outcome.error,
        error_message: outcome.error_message,
        other_user_email: outcome.other_user_email,
      };
  }
}

/** The provider for a type, or the error that says why this server cannot authorize it. */
export function requireProvider(
  context: Pick<ConnectorContext, 'providers'>,
  type: string,
): ConfiguredProvider {
  const resolution = context.providers.resolve(type);
  if (resolution.kind === 'ready') return resolution.provider;
  throw unavailable(type, resolution);
}

/** Why this server cannot authorize a type (404 unknown, 400 unsupported or not configured), or undefined when it can. */
export function providerProblem(context: ConnectorContext, type: string): HttpError | undefined {
  const resolution = context.providers.resolve(type);
  return resolution.kind === 'ready' ? undefined : unavailable(type, resolution);
}

function unavailable(type: string, resolution: Exclude<ProviderResolution, { kind: 'ready' }>): HttpError {
  if (resolution.kind === 'unknown') {
    const hint = resolution.suggestion ? ` Did you mean "${resolution.suggestion}"?` : '';
    return new HttpError(404, `Unknown integration type "${type}".${hint}`, 'unknown_integration_type');
  }
  if (resolution.kind === 'unsupported') {
    return new HttpError(
      400,
      `${resolution.entry.displayName} cannot be connected through this server: ${resolution.reason}`,
      'provider_unsupported',
    );
  }
  return new HttpError(
    400,
    `${resolution.entry.displayName} is not configured on this server: set ${resolution.settings.join(' and ')} ` +
      '(or start the server with --sandbox)',
    'provider_not_configured',
  );
}
