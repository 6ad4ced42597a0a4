import { IntegrationType } from '@base44-connectors/contract';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requestAuthorization } from '../connectors/authorize.js';
import type { ConnectorContext } from '../connectors/context.js';
import { removeConnector } from '../connectors/remove.js';
import { continueAuthorization } from '../connectors/start-link.js';
import { notFound } from '../http/errors.js';
import { appPath, DASHBOARD_PATH } from '../web/dashboard-paths.js';
import type { DashboardKit } from './dashboard-kit.js';
import { auditViews, type ConnectorView, catalogEntry, connectorViews } from './dashboard-views.js';

const APP = `${DASHBOARD_PATH}/apps/:appId`;
const CONNECTOR = `${APP}/connectors/:type`;

/** After a removal the app page says so; only a well-formed type is ever shown. */
const AppQuery = z.object({
  removed: z.optional(IntegrationType).catch(undefined),
  revoked: z.enum(['0', '1']).optional().catch(undefined),
});

/** An attempt id as `createAttempt` makes it: the only thing an authorize redirect carries. */
const ATTEMPT_ID = /^[0-9a-f]{32}$/;

/** An app's page (its connectors and audit trail) and the actions on one connector. */
export function dashboardAppPages(kit: DashboardKit, connectors: ConnectorContext): FastifyPluginAsync {
  return async (app) => {
    app.get(APP, async (request, reply) => {
      const { user, app: theApp } = await kit.requireMember(request);
      const views = await connectorViews(connectors, theApp.id);
      return kit.page(reply, 'app', {
        user,
        app: theApp,
        connectors: views,
        audit: await auditViews(connectors.db, theApp.id),
        notice: removalNotice(request, connectors),
      });
    });

    app.post(`${CONNECTOR}/authorize`, { preHandler: app.csrfProtection }, async (request, reply) => {
      const { user, app: theApp, connector } = await memberConnector(request);
      // The same path as `PUT external-auth/integrations/{type}` with the scopes the app asks for;
      // `reconsent` makes an active connector go through the provider's consent page again.
      const result = await requestAuthorization(connectors, {
        appId: theApp.id,
        type: connector.type,
        scopes: connector.scopes,
        user,
        reconsent: true,
      });
      if (result.error) {
        const message = result.error_message ?? `${connector.name} cannot be authorized now.`;
        const back = { backUrl: appPath(theApp.id), backLabel: `Back to ${theApp.name}` };
        const title = `${connector.name} was not authorized`;
        return kit.problem(reply, { user, title, message, ...back }, 409);
      }
      if (result.connection_id && ATTEMPT_ID.test(result.connection_id)) {
        // The member's own form post, from their session, is the confirmation the start link asks
        // for (this page named the app, the connector and its scopes): straight on to the provider.
        const departure = await continueAuthorization(connectors, result.connection_id);
        if (departure.kind === 'redirect') {
          request.log.info({ type: connector.type }, 'dashboard authorization started');
          return reply.header('cache-control', 'no-store').redirect(departure.url, 303);
        }
        const back = { backUrl: appPath(theApp.id), backLabel: `Back to ${theApp.name}` };
        const title = `${connector.name} was not authorized`;
        return kit.problem(reply, { user, title, message: departure.message, ...back }, departure.status);
      }
      return reply.redirect(appPath(theApp.id), 303);
    });

    app.get(`${CONNECTOR}/remove`, async (request, reply) => {
      const { user, app: theApp, connector } = await memberConnector(request);
      return kit.page(reply, 'remove', { user, app: theApp, appUrl: appPath(theApp.id), connector });
    });

    app.post(`${CONNECTOR}/remove`, { preHandler: app.csrfProtection }, async (request, reply) => {
      const { user, app: theApp, connector } = await memberConnector(request);
      const removal = await removeConnector(connectors, theApp.id, connector.type, user.id);
      if (removal.revocationProblem)
        request.log.warn({ type: connector.type, reason: removal.revocationProblem }, 'token not revoked');
      const revoked = removal.revoked ? 1 : 0;
      return reply.redirect(`${appPath(theApp.id)}?removed=${connector.type}&revoked=${revoked}`, 303);
    });
  };

  /** The member, the app and the connector of the route's `:type`; 404 when the app has no such connector. */
  async function memberConnector(request: FastifyRequest) {
    const member = await kit.requireMember(request);
    const { type } = request.params as { type: string };
    const connector: ConnectorView | undefined = IntegrationType.safeParse(type).success
      ? (await connectorViews(connectors, member.app.id)).find((view) => view.type === type)
      : undefined;
    if (!connector) throw notFound(`${member.app.name} has no connector "${type.slice(0, 64)}".`);
    return { ...member, connector };
  }
}

function removalNotice(request: FastifyRequest, connectors: ConnectorContext): string | null {
  const query = AppQuery.safeParse(request.query);
  const removed = query.success ? query.data.removed : undefined;
  if (!removed) return null;
  const name = catalogEntry(connectors.providers.resolve(removed))?.displayName ?? removed;
  const revoked =
    query.success && query.data.revoked === '1' ? ' Its tokens were revoked at the provider.' : '';
  return `${name} was removed.${revoked}`;
}
