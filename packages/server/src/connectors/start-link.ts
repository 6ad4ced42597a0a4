import { findApp } from '../accounts/apps.js';
import { findUserById, type User } from '../accounts/users.js';
import { buildAuthorizationRequest } from '../broker/authorization-request.js';
import { withEndpointsFor } from '../broker/endpoint-urls.js';
import { type Attempt, claimDeparture, findAttempt } from './attempts.js';
import { requireProvider } from './authorize.js';
import { type ConnectorContext, callbackUrl } from './context.js';
import { ATTEMPT_EXPIRED_REASON, attemptStatus } from './lifecycle.js';

/**
 * The authorization start link, `/oauth/start/{connection_id}`, as `PUT integrations/{type}` and
 * `apply` hand it out. Anyone holding it could connect their account into the app, so the link
 * first shows what it does (which app, which connector and scopes, which member asked) and goes to
 * the provider only after a Continue post; it works once, and only while the attempt is pending.
 */

/** What the confirmation page names: everything the person needs to recognise (or refuse) the request. */
export interface StartLinkView {
  attemptId: string;
  appName: string;
  type: string;
  displayName: string;
  scopes: string[];
  requester: { name: string; email: string };
  expiresAt: number;
}

export type StartLinkProblem = { kind: 'problem'; status: number; message: string };

export type StartLinkLookup = { kind: 'confirm'; view: StartLinkView } | StartLinkProblem;

export type StartOutcome = { kind: 'redirect'; url: string } | StartLinkProblem;

const ATTEMPT_ID = /^[0-9a-f]{32}$/;

/** `GET /oauth/start/{connection_id}`: what the link would connect, if it can still be used. Changes nothing. */
export async function describeStartLink(
  context: ConnectorContext,
  attemptId: string,
): Promise<StartLinkLookup> {
  const found = await usableAttempt(context, attemptId);
  if (found.kind === 'problem') return found;
  const { attempt } = found;
  const provider = requireProvider(context, attempt.type);
  const [app, requester] = await Promise.all([
    findApp(context.db, attempt.appId),
    findUserById(context.db, attempt.userId),
  ]);
  if (!app || !requester) return unknownLink();
  return {
    kind: 'confirm',
    view: {
      attemptId: attempt.id,
      appName: app.name,
      type: attempt.type,
      displayName: provider.entry.displayName,
      scopes: attempt.scopes,
      requester: { name: requester.name, email: requester.email },
      expiresAt: attempt.expiresAt,
    },
  };
}

/**
 * `POST /oauth/start/{connection_id}` (the Continue button): uses the link up and sends the browser
 * to the provider with a fresh state and PKCE pair. A second Continue, from any browser, is refused.
 */
export async function continueAuthorization(
  context: ConnectorContext,
  attemptId: string,
): Promise<StartOutcome> {
  const found = await usableAttempt(context, attemptId);
  if (found.kind === 'problem') return found;
  const { attempt } = found;
  const provider = withEndpointsFor(requireProvider(context, attempt.type), attempt.settings);
  const request = await buildAuthorizationRequest(provider, {
    redirectUri: callbackUrl(context),
    scopes: attempt.scopes,
  });
  const claimed = await claimDeparture(context.db, context.vault, attempt.id, request, context.now());
  return claimed ? { kind: 'redirect', url: request.url } : usedLink();
}

/** Whether a signed-in browser belongs to someone other than the member who made the link. */
export function isSomeoneElse(view: StartLinkView, signedIn: User | undefined): boolean {
  return signedIn !== undefined && signedIn.email !== view.requester.email;
}

async function usableAttempt(
  context: ConnectorContext,
  attemptId: string,
): Promise<{ kind: 'usable'; attempt: Attempt } | StartLinkProblem> {
  const attempt = ATTEMPT_ID.test(attemptId) ? await findAttempt(context.db, attemptId) : undefined;
  if (!attempt) return unknownLink();
  const status = attemptStatus(attempt, context.now());
  if (status === 'ACTIVE')
    return {
      kind: 'problem',
      status: 410,
      message: `${attempt.type} is already connected: you can close this tab.`,
    };
  if (status === 'FAILED') {
    const reason = attempt.failureReason ?? ATTEMPT_EXPIRED_REASON;
    return {
      kind: 'problem',
      status: 410,
      message: `This authorization link can no longer be used (${reason.toLowerCase()}). Run \`base44 connectors push\` again for a new one.`,
    };
  }
  if (attempt.departedAt !== null) return usedLink();
  return { kind: 'usable', attempt };
}

function unknownLink(): StartLinkProblem {
  return { kind: 'problem', status: 404, message: 'This authorization link is not known here.' };
}

function usedLink(): StartLinkProblem {
  return {
    kind: 'problem',
    status: 410,
    message:
      'This authorization link was already used: each link works once. Run `base44 connectors push` again for a new one.',
  };
}
