import {
  ApplyRequest,
  type ApplyResponse,
  type AvailableIntegrationsResponse,
  IntegrationType,
  type ListIntegrationsResponse,
  PlanRequest,
  type PlanResponse,
  UpsertIntegrationRequest,
} from '@base44-connectors/contract';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { User } from '../accounts/users.js';
import { requestAuthorization } from '../connectors/authorize.js';
import type { ConnectorContext } from '../connectors/context.js';
import {
  applyConnectorPush,
  planConnectorPush,
  remoteConnector,
  withGrantSettings,
} from '../connectors/push.js';
import { removeConnector } from '../connectors/remove.js';
import { connectionStatus, MAX_WAIT_SECONDS } from '../connectors/status.js';
import { connectionConfigFor, listConnectors } from '../connectors/store.js';
import type { TokenApi } from '../connectors/token-api.js';
import type { ServerContext } from '../context.js';
import { forbidden, HttpError, parseInput } from '../http/errors.js';

export interface ConnectorRouteServices {
  connectors: ConnectorContext;
  tokens: TokenApi;
}

const TypeParams = z.object({ appId: z.string(), type: z.string() });
const StatusQuery = z.object({
  integration_type: z.optional(IntegrationType),
  connection_id: z.string().min(1).max(64),
  wait: z.coerce.number().min(0).max(MAX_WAIT_SECONDS).default(0),
});

/** The `external-auth/…` routes of an app (spec/api.md); the app-scope guard has already run. */
export function connectorRoutes(services: ConnectorRouteServices): FastifyPluginAsync<ServerContext> {
  const { connectors, tokens } = services;
  return async (app, context) => {
    app.get('/external-auth/list', async (request): Promise<ListIntegrationsResponse> => {
      const { appId } = request.params as { appId: string };
      const now = connectors.now();
      const rows = await listConnectors(connectors.db, appId);
      return {
        integrations: rows.map((row) => {
          const connector = withGrantSettings(connectors, remoteConnector(row, now), row);
          const config = connectionConfigFor(row);
          return {
            integration_type: connector.type,
            status: connector.status,
            scopes: connector.scopes,
            ...(connector.userEmail ? { user_email: connector.userEmail } : {}),
            state: row.state === 'active' ? connector.status : row.state,
            ...(connector.settings && Object.keys(connector.settings).length > 0
              ? { settings: connector.settings }
              : {}),
            ...(config ? { connection_config: config } : {}),
          };
        }),
      };
    });

    app.post('/external-auth/plan', async (request): Promise<PlanResponse> => {
      const { appId } = request.params as { appId: string };
      const body = parseInput(PlanRequest, request.body, 'request body');
      return planConnectorPush(connectors, appId, body);
    });

    app.post('/external-auth/apply', async (request): Promise<ApplyResponse> => {
      const { appId } = request.params as { appId: string };
      const body = parseInput(ApplyRequest, request.body, 'request body');
      const { response, revocationProblems } = await applyConnectorPush(
        connectors,
        appId,
        caller(request),
        body,
      );
      for (const { type, reason } of revocationProblems)
        request.log.warn({ type, reason }, 'token not revoked at the provider');
      return response;
    });

    app.put('/external-auth/integrations/:type', async (request) => {
      const { appId, type } = typeParams(request);
      const body = parseInput(UpsertIntegrationRequest, request.body, 'request body');
      return requestAuthorization(connectors, {
        appId,
        type,
        scopes: body.scopes,
        user: caller(request),
        settings: body.connection_config,
      });
    });

    app.get('/external-auth/status', async (request) => {
      const { appId } = request.params as { appId: string };
      const query = parseInput(StatusQuery, request.query, 'query');
      return connectionStatus(connectors, {
        appId,
        type: query.integration_type,
        connectionId: query.connection_id,
        waitSeconds: query.wait,
      });
    });

    app.get(
      '/external-auth/available-integrations',
      async (): Promise<AvailableIntegrationsResponse> => ({
        integrations: connectors.providers.entries().map(({ entry, configured }) => ({
          integration_type: entry.type,
          display_name: entry.displayName,
          description: entry.description,
          // The public shape: a field's default stays in the catalog (its placeholder shows it).
          connection_config_fields: entry.connectionConfigFields.map(
            ({ default: _default, ...field }) => field,
          ),
          default_scopes: entry.defaultScopes,
          configured,
        })),
      }),
    );

    app.delete('/external-auth/integrations/:type/remove', async (request) => {
      const { appId, type } = typeParams(request);
      const removal = await removeConnector(connectors, appId, type, caller(request).id);
      if (removal.revocationProblem)
        request.log.warn({ type, reason: removal.revocationProblem }, 'token not revoked at the provider');
      return { status: 'removed' as const, integration_type: type, revoked: removal.revoked };
    });

    // Backends read tokens at high rates: each read is logged at debug only (failures always).
    const tokenRoute = {
      config: { serviceKeyAccess: true },
      logLevel: context.config.logLevel === 'debug' ? 'debug' : 'warn',
    } as const;
    app.get('/external-auth/tokens/:type', tokenRoute, async (request) => {
      const { appId, type } = typeParams(request);
      return tokens.tokenFor(appId, type);
    });
  };
}

function typeParams(request: FastifyRequest): { appId: string; type: string } {
  const { appId, type } = TypeParams.parse(request.params);
  if (!IntegrationType.safeParse(type).success) {
    throw new HttpError(
      400,
      `"${type.slice(0, 80)}" is not an integration type: ${z.globalRegistry.get(IntegrationType)?.description ?? 'lower-case letters, digits, "_" or "-"'}`,
      'bad_request',
    );
  }
  return { appId, type };
}

function caller(request: FastifyRequest): User {
  if (request.principal.kind !== 'user')
    throw forbidden('Only a member of the app can change its connectors');
  return request.principal.user;
}
