import { findUserById } from '../accounts/users.js';
import { recordAuditEvent } from '../audit/events.js';
import { readAccountEmail } from '../broker/account-email.js';
import { readCallback } from '../broker/callback.js';
import { withEndpointsFor } from '../broker/endpoint-urls.js';
import { exchangeCode } from '../broker/token-requests.js';
import { type Attempt, claimByState, finishAttempt, openCodeVerifier } from './attempts.js';
import { requireProvider } from './authorize.js';
import { type ConnectorContext, callbackUrl } from './context.js';
import { ATTEMPT_EXPIRED_REASON, attemptStatus } from './lifecycle.js';
import { findConnector, storeGrant } from './store.js';

export type CallbackOutcome =
  | { kind: 'connected'; type: string; accountEmail: string | null; appId: string }
  | { kind: 'failed'; status: number; type: string | null; message: string };

/**
 * `GET /oauth/callback`: the provider sends the browser back. The state must belong to a pending
 * attempt (and is used up here), the response must come from that provider, and the code is
 * exchanged with the attempt's PKCE verifier. Every outcome ends the attempt and wakes its waiters.
 */
export async function completeAuthorization(
  context: ConnectorContext,
  query: URLSearchParams,
): Promise<CallbackOutcome> {
  const state = query.get('state');
  if (!state)
    return {
      kind: 'failed',
      status: 400,
      type: null,
      message: 'The provider sent no state, so this sign-in cannot be matched to a request.',
    };
  const attempt = await claimByState(context.db, state);
  if (!attempt) {
    return {
      kind: 'failed',
      status: 400,
      type: null,
      message:
        'This authorization response is unknown or was already used. Start again from `base44 connectors push`.',
    };
  }
  const outcome = await finishWithProvider(context, attempt, query, state);
  // A connected attempt was marked ACTIVE in the grant's own transaction.
  if (outcome.kind === 'failed') {
    await finishAttempt(context.db, attempt.id, { status: 'FAILED', reason: outcome.message }, context.now());
  }
  await context.events.publish(attempt.id);
  return outcome;
}

async function finishWithProvider(
  context: ConnectorContext,
  attempt: Attempt,
  query: URLSearchParams,
  state: string,
): Promise<CallbackOutcome> {
  const failed = (message: string, status = 400): CallbackOutcome => ({
    kind: 'failed',
    status,
    type: attempt.type,
    message,
  });
  if (attemptStatus(attempt, context.now()) !== 'PENDING') return failed(ATTEMPT_EXPIRED_REASON);

  const provider = withEndpointsFor(requireProvider(context, attempt.type), attempt.settings);
  const callback = readCallback(provider, query, state);
  if (!callback.ok) {
    if (callback.error === 'access_denied')
      return failed(`Access was denied at ${provider.entry.displayName}.`);
    // invalid_callback is this server refusing the response (a wrong iss); anything else is the provider's own error.
    if (callback.error === 'invalid_callback')
      return failed(
        `The answer said to be from ${provider.entry.displayName} was refused: ${callback.description}`,
      );
    return failed(`${provider.entry.displayName} refused the authorization: ${callback.description}`);
  }
  const exchange = await exchangeCode(
    provider,
    callback.parameters,
    callbackUrl(context),
    openCodeVerifier(context.vault, attempt),
  );
  if (!exchange.ok) {
    const status = exchange.error === 'temporarily_unavailable' ? 502 : 400;
    return failed(`${provider.entry.displayName} did not hand out a token: ${exchange.description}`, status);
  }
  const { tokens } = exchange;
  const accountEmail = await readAccountEmail(provider, tokens);
  const now = context.now();

  const conflict = await context.db.transaction().execute(async (trx) => {
    const current = await findConnector(trx, attempt.appId, attempt.type);
    if (current?.state === 'active' && current.userId && current.userId !== attempt.userId) {
      return (await findUserById(trx, current.userId))?.email ?? 'another member';
    }
    await storeGrant(
      trx,
      context.vault,
      attempt.appId,
      attempt.type,
      {
        userId: attempt.userId,
        scopes: attempt.scopes,
        grantedScopes: tokens.grantedScopes ?? attempt.scopes,
        accountEmail,
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        expiresAt: tokens.expiresIn === null ? null : now + tokens.expiresIn * 1000,
        connectionConfig: tokens.connectionConfig,
        settings: attempt.settings,
      },
      now,
    );
    await recordAuditEvent(
      trx,
      {
        appId: attempt.appId,
        actorUserId: attempt.userId,
        // A connector that was connected before (whatever happened since) is consented to again.
        action: current?.connectedAt != null ? 'reauthorized' : 'added',
        integrationType: attempt.type,
        detail: { scopes: attempt.scopes, account_email: accountEmail },
      },
      now,
    );
    // In the same transaction as the grant: a crash cannot leave the connector active and its attempt pending.
    await finishAttempt(trx, attempt.id, { status: 'ACTIVE' }, now);
    return null;
  });
  if (conflict) return failed(`${attempt.type} was connected by ${conflict} in the meantime.`, 409);
  return { kind: 'connected', type: attempt.type, accountEmail, appId: attempt.appId };
}
