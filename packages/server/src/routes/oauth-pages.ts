import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ConnectorContext } from '../connectors/context.js';
import { completeAuthorization } from '../connectors/oauth-flow.js';
import { continueAuthorization, describeStartLink, isSomeoneElse } from '../connectors/start-link.js';
import type { ServerContext } from '../context.js';
import { isHttps } from '../server.js';
import { appPath } from '../web/dashboard-paths.js';
import { createPageRenderer, type PageName } from '../web/render.js';
import { WebSessions } from '../web/sessions.js';

/**
 * The browser's legs of a connector authorization: the start link's confirmation page, its Continue
 * (out to the provider), and the way back.
 */
export function oauthPages(connectors: ConnectorContext): FastifyPluginAsync<ServerContext> {
  return async (app, context) => {
    const render = createPageRenderer();
    const sessions = new WebSessions(
      context.db,
      isHttps(context.config),
      context.now,
      context.config.sessions,
    );
    const page = (reply: FastifyReply, name: PageName, data: Record<string, unknown>, status = 200) =>
      reply
        .status(status)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .header('x-frame-options', 'DENY')
        // No `form-action`: the Continue form's answer leads on to the provider's consent page.
        .header(
          'content-security-policy',
          "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
        )
        .send(render(name, data));
    const problem = (reply: FastifyReply, title: string, message: string, status: number) =>
      page(reply, 'problem', { title, message }, status);

    app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
      const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
      if (status === 500) request.log.error({ err: error }, 'authorization page failed');
      const csrf = error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET';
      const message = csrf
        ? 'The form expired or did not come from this site. Open the authorization link again and press Continue.'
        : status === 500
          ? 'Something went wrong on the server.'
          : error.message;
      return problem(reply, 'That did not work', message, status);
    });

    app.get('/oauth/start/:connectionId', async (request, reply) => {
      const { connectionId } = request.params as { connectionId: string };
      const lookup = await describeStartLink(connectors, connectionId);
      if (lookup.kind === 'problem')
        return problem(reply, 'Authorization link not usable', lookup.message, lookup.status);
      const { view } = lookup;
      // A session is not required (the CLI may open the link in a browser that never signed in
      // here); when there is one of someone else, the page says so.
      const signedIn = await sessions.current(request).catch(() => undefined);
      const minutesLeft = Math.max(1, Math.ceil((view.expiresAt - context.now()) / 60_000));
      return page(reply, 'startLink', {
        ...view,
        signedInAs: signedIn?.email ?? '',
        someoneElse: isSomeoneElse(view, signedIn),
        minutesLeft,
        csrfToken: reply.generateCsrf(),
      });
    });

    app.post('/oauth/start/:connectionId', { preHandler: app.csrfProtection }, async (request, reply) => {
      const { connectionId } = request.params as { connectionId: string };
      const outcome = await continueAuthorization(connectors, connectionId);
      if (outcome.kind === 'problem')
        return problem(reply, 'Authorization link not usable', outcome.message, outcome.status);
      request.log.info('authorization link continued to the provider');
      return reply.header('cache-control', 'no-store').redirect(outcome.url, 303);
    });

    app.get('/oauth/callback', async (request, reply) => {
      const query = new URLSearchParams(request.url.split('?')[1] ?? '');
      const outcome = await completeAuthorization(connectors, query);
      if (outcome.kind === 'connected') {
        request.log.info({ type: outcome.type }, 'connector authorized');
        const { type, accountEmail } = outcome;
        return page(reply, 'connected', { type, accountEmail, appUrl: appPath(outcome.appId) });
      }
      request.log.info({ type: outcome.type, reason: outcome.message }, 'connector authorization failed');
      const title = outcome.type ? `${outcome.type} was not connected` : 'Authorization failed';
      return problem(reply, title, outcome.message, outcome.status);
    });
  };
}
