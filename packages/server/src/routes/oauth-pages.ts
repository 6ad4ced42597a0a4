import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ConnectorContext } from '../connectors/context.js';
import { completeAuthorization, startAuthorization } from '../connectors/oauth-flow.js';
import type { ServerContext } from '../context.js';
import { appPath } from '../web/dashboard-paths.js';
import { createPageRenderer, type PageName } from '../web/render.js';

/** The browser's two legs of a connector authorization: out to the provider, and back. */
export function oauthPages(connectors: ConnectorContext): FastifyPluginAsync<ServerContext> {
  return async (app) => {
    const render = createPageRenderer();
    const page = (reply: FastifyReply, name: PageName, data: Record<string, unknown>, status = 200) =>
      reply
        .status(status)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .header(
          'content-security-policy',
          "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        )
        .send(render(name, data));

    app.get('/oauth/start/:connectionId', async (request, reply) => {
      const { connectionId } = request.params as { connectionId: string };
      const outcome = await startAuthorization(connectors, connectionId);
      if (outcome.kind === 'redirect')
        return reply.header('cache-control', 'no-store').redirect(outcome.url, 302);
      return page(
        reply,
        'problem',
        { title: 'Authorization link not usable', message: outcome.message },
        outcome.status,
      );
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
      return page(reply, 'problem', { title, message: outcome.message }, outcome.status);
    });
  };
}
