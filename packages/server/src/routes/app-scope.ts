import { ApiErrorCode } from '@base44-connectors/contract';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { isMember } from '../accounts/apps.js';
import { authenticate, type Principal } from '../auth/principal.js';
import type { ServerContext } from '../context.js';
import { forbidden, HttpError, unauthenticated } from '../http/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route reads an app's tokens, the only thing a service key may do. */
    serviceKeyAccess?: boolean;
  }
  interface FastifyRequest {
    principal: Principal;
  }
}

/** An `/api/apps/{appId}/…` route as the guard sees it; tests enumerate these for the access matrix. */
export interface AppScopedRoute {
  method: string;
  url: string;
  serviceKeyAccess: boolean;
}

const APP_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Registers route groups under `/api/apps/:appId` behind one guard: every request is
 * authenticated, and the caller must be a member of the app (or hold that app's service key on a
 * route that allows one). Unknown apps answer like apps the caller is not a member of: 403.
 */
export function appScopedRoutes(
  context: ServerContext,
  registry: AppScopedRoute[],
  groups: FastifyPluginAsync<ServerContext>[],
): FastifyPluginAsync {
  return async (app) => {
    app.decorateRequest('principal', undefined as never);

    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        if (method === 'HEAD') continue;
        registry.push({ method, url: route.url, serviceKeyAccess: route.config?.serviceKeyAccess === true });
      }
    });

    app.addHook('onRequest', async (request) => {
      request.principal = await authorize(request, context);
    });

    for (const group of groups) await app.register(group, context);
  };
}

async function authorize(request: FastifyRequest, context: ServerContext): Promise<Principal> {
  const apiKey = request.headers.api_key;
  const result = await authenticate(
    { authorization: request.headers.authorization, apiKey: typeof apiKey === 'string' ? apiKey : undefined },
    context,
    context.now(),
  );
  if (!result.ok) {
    if (result.reason === 'expired') {
      throw new HttpError(
        401,
        'The access token has expired: refresh it or log in again',
        ApiErrorCode.tokenExpired,
        undefined,
        {
          'www-authenticate': 'Bearer error="invalid_token"',
        },
      );
    }
    throw unauthenticated(result.reason === 'invalid' ? 'The credentials are not valid' : undefined);
  }

  const { appId } = request.params as { appId: string };
  if (!APP_ID.test(appId))
    throw new HttpError(400, `"${appId.slice(0, 80)}" is not an app id`, ApiErrorCode.badRequest);

  const principal = result.principal;
  if (principal.kind === 'service') {
    const headerAppId = request.headers['x-app-id'];
    if (principal.appId !== appId || (typeof headerAppId === 'string' && headerAppId !== appId)) {
      throw forbidden(`This service key belongs to another app than ${appId}`);
    }
    if (!request.routeOptions.config.serviceKeyAccess) {
      throw forbidden('A service key may only read connector tokens (external-auth/tokens/…)');
    }
    return principal;
  }
  if (!(await isMember(context.db, appId, principal.user.id))) {
    throw forbidden(`${principal.user.email} has no access to app ${appId}`);
  }
  return principal;
}
