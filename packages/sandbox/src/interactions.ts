import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import { parseEmail } from './accounts.js';
import { RequestError, readForm, sendHtml } from './http.js';
import { consentPage, signInPage } from './pages.js';
import { NO_SCOPE_REQUESTED } from './scopes.js';

/** Where oidc-provider sends the browser for an interaction, relative to the mount path. */
export function interactionPath(uid: string): string {
  return `/interaction/${uid}`;
}

/** `/interaction/{uid}` shows the step; `/interaction/{uid}/login` and `/…/consent` take its form. */
const ROUTE = /^\/interaction\/([\w-]+)(?:\/(login|consent))?$/;

const INVALID_EMAIL = 'Type an email address, such as ada@example.com.';

type InteractionHandler = (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<void>;

/**
 * The sign-in and consent pages, driven by oidc-provider's interaction API: `interactionDetails` says which
 * prompt is pending, `interactionFinished` hands the answer back and redirects to the authorization resume.
 */
export function createInteractionHandler(provider: Provider, mountPath: string): InteractionHandler {
  const actionFor = (uid: string, step: 'login' | 'consent') => `${mountPath}${interactionPath(uid)}/${step}`;

  function show(res: ServerResponse, details: Interaction): void {
    if (details.prompt.name === 'login') {
      sendHtml(res, 200, signInPage({ action: actionFor(details.uid, 'login') }));
      return;
    }
    sendHtml(
      res,
      200,
      consentPage({
        action: actionFor(details.uid, 'consent'),
        clientId: String(details.params.client_id),
        email: details.session?.accountId ?? '',
        scopes: requestedScopes(details),
      }),
    );
  }

  async function signIn(req: IncomingMessage, res: ServerResponse, details: Interaction): Promise<void> {
    const typed = (await readForm(req)).get('email') ?? '';
    const email = parseEmail(typed);
    if (email === undefined) {
      const action = actionFor(details.uid, 'login');
      sendHtml(res, 400, signInPage({ action, email: typed, error: INVALID_EMAIL }));
      return;
    }
    await startFreshSession(provider, details);
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: email } },
      { mergeWithLastSubmission: false },
    );
  }

  async function decide(req: IncomingMessage, res: ServerResponse, details: Interaction): Promise<void> {
    const decision = (await readForm(req)).get('decision');
    if (decision === 'deny') {
      const denied = {
        error: 'access_denied',
        error_description: 'access was denied on the sandbox consent page',
      };
      await provider.interactionFinished(req, res, denied, { mergeWithLastSubmission: false });
      return;
    }
    if (decision !== 'allow')
      throw new RequestError(400, 'the consent form needs decision=allow or decision=deny');
    const grantId = await grantRequestedScopes(provider, details);
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  return async (req, res, pathname) => {
    const match = ROUTE.exec(pathname);
    if (!match) throw new RequestError(404, 'there is no such sandbox page');
    const [, uid, step] = match;
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid)
      throw new RequestError(400, 'this page belongs to another authorization request');

    const expected = details.prompt.name === 'login' ? 'login' : 'consent';
    if (step === undefined && (req.method === 'GET' || req.method === 'HEAD')) return show(res, details);
    if (step !== expected || req.method !== 'POST') {
      throw new RequestError(
        400,
        'this form does not belong to the current step of the authorization request',
      );
    }
    return step === 'login' ? signIn(req, res, details) : decide(req, res, details);
  };
}

/**
 * A browser that signed in to the sandbox before still carries that session. Were another account to sign
 * in now, oidc-provider would first end the old session through an extra sign-out page that submits itself
 * with a script. Every sign-in starts a fresh session instead: the old one is destroyed and this
 * interaction no longer refers to it.
 */
async function startFreshSession(provider: Provider, details: Interaction): Promise<void> {
  if (!details.session) return;
  const earlier = await provider.Session.findByUid(details.session.uid);
  await earlier?.destroy();
  details.session = undefined;
  await details.persist();
}

function requestedScopes(details: Interaction): string[] {
  const { scope } = details.params;
  return typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
}

/**
 * A new grant for each consent, holding exactly the requested scopes (and claims, when the request named
 * any). Revoking one connection's tokens then leaves every other connection alone.
 */
async function grantRequestedScopes(provider: Provider, details: Interaction): Promise<string> {
  const accountId = details.session?.accountId;
  if (accountId === undefined) throw new RequestError(400, 'sign in before giving consent');
  const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
  const scopes = requestedScopes(details);
  grant.addOIDCScope(scopes.length > 0 ? scopes : [NO_SCOPE_REQUESTED]);
  const { missingOIDCClaims } = details.prompt.details;
  if (Array.isArray(missingOIDCClaims)) grant.addOIDCClaims(missingOIDCClaims.map(String));
  return grant.save();
}
