import type { UpsertIntegrationResponse } from '@base44-connectors/contract';
import type { User } from '../accounts/users.js';
import { findUserById } from '../accounts/users.js';
import type { ConfiguredProvider } from '../broker/provider.js';
import { HttpError } from '../http/errors.js';
import { createAttempt } from './attempts.js';
import type { ConnectorContext } from './context.js';
import { grantCovers } from './lifecycle.js';
import { bumpRevision, findConnector, requestConsent, setScopes } from './store.js';

const NO_ERROR = { error: null, error_message: null, other_user_email: null };

/**
 * `PUT external-auth/integrations/{type}`: records the scopes, and answers `already_authorized`
 * when the stored grant covers them, or a link to the provider's consent page when it does not.
 */
export async function requestAuthorization(
  context: ConnectorContext,
  request: { appId: string; type: string; scopes: string[]; user: User },
): Promise<UpsertIntegrationResponse> {
  const { db, now } = context;
  const { appId, type, user } = request;
  const scopes = [...new Set(request.scopes)];
  requireProvider(context, type);

  const existing = await findConnector(db, appId, type);
  if (existing?.state === 'active' && existing.userId && existing.userId !== user.id) {
    const owner = await findUserById(db, existing.userId);
    return {
      redirect_url: null,
      connection_id: null,
      already_authorized: false,
      error: 'different_user',
      error_message: `${type} is already connected by ${owner?.email ?? 'another member'}; only they can change its scopes`,
      other_user_email: owner?.email ?? null,
    };
  }

  if (existing?.state === 'active' && grantCovers(existing.grantedScopes, scopes)) {
    await db.transaction().execute(async (trx) => {
      await setScopes(trx, appId, type, scopes, now());
      await bumpRevision(trx, appId);
    });
    return { redirect_url: null, connection_id: null, already_authorized: true, ...NO_ERROR };
  }

  const attempt = await db.transaction().execute(async (trx) => {
    await requestConsent(trx, appId, type, scopes, now());
    await bumpRevision(trx, appId);
    return createAttempt(trx, { appId, type, scopes, userId: user.id }, now());
  });
  return {
    redirect_url: `${context.publicUrl}/oauth/start/${attempt.id}`,
    connection_id: attempt.id,
    already_authorized: false,
    ...NO_ERROR,
  };
}

/** The provider for a type, or the error that says why this server cannot authorize it. */
export function requireProvider(context: ConnectorContext, type: string): ConfiguredProvider {
  const resolution = context.providers.resolve(type);
  if (resolution.kind === 'ready') return resolution.provider;
  if (resolution.kind === 'unknown') {
    const hint = resolution.suggestion ? ` Did you mean "${resolution.suggestion}"?` : '';
    throw new HttpError(404, `Unknown integration type "${type}".${hint}`, 'unknown_integration_type');
  }
  throw new HttpError(
    400,
    `${resolution.entry.displayName} is not configured on this server: set ${resolution.settings.join(' and ')} ` +
      '(or start the server with --sandbox)',
    'provider_not_configured',
  );
}
