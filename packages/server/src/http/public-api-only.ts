import { SERVER_EXTENSIONS } from '@base44-connectors/contract';
import type { FastifyInstance, FastifyRequest, HTTPMethods } from 'fastify';
import type { ServerConfig } from '../config.js';

// `--public-api-only`: the server answers as the Base44 cloud does (spec/api.md, "The Base44
// cloud, as our CLI meets it"), so a project or a client can be checked against the cloud's
// contract locally. All it changes is here: no extensions are advertised, their routes answer the
// cloud's 404 (as does every unknown route), the status long-poll is off, and the [ext] fields
// leave the answers of the compatible routes. Everything else behaves as usual.

/** The cloud's answer to a route it does not have. */
export const CLOUD_NOT_FOUND_BODY = JSON.stringify({ detail: 'Not Found' });

const CONNECTORS = '/api/apps/:appId/external-auth';

/** The routes of our extensions: the cloud has none of them. */
const EXTENSION_ROUTES = [`POST ${CONNECTORS}/plan`, `POST ${CONNECTORS}/apply`];
/** Its `wait` parameter is the `status-wait` extension: ignored, so status answers at once. */
const STATUS_ROUTE = `GET ${CONNECTORS}/status`;

type Answer = Record<string, unknown>;
const without =
  (...fields: string[]) =>
  (answer: Answer): Answer =>
    Object.fromEntries(Object.entries(answer).filter(([field]) => !fields.includes(field)));
const eachIntegration =
  (strip: (item: Answer) => Answer) =>
  (answer: Answer): Answer => ({ ...answer, integrations: (answer.integrations as Answer[]).map(strip) });

/** The [ext] fields of the compatible routes' answers (the contract's connectors.ts), by route. */
const EXTENSION_FIELDS: Record<string, (answer: Answer) => Answer> = {
  [`GET ${CONNECTORS}/list`]: eachIntegration(without('state', 'settings', 'connection_config')),
  [STATUS_ROUTE]: without('failure_reason'),
  [`GET ${CONNECTORS}/available-integrations`]: eachIntegration(without('default_scopes', 'configured')),
  [`DELETE ${CONNECTORS}/integrations/:type/remove`]: without('revoked'),
};

/** The tokens of `x-base44-extensions` this server sends: none in public-API-only mode. */
export function servedExtensions(config: ServerConfig): readonly string[] {
  return config.publicApiOnly ? [] : SERVER_EXTENSIONS;
}

/** Installs the mode on the root instance, after the HTTP conventions (its `onSend` runs after theirs). */
export function installPublicApiOnly(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!EXTENSION_ROUTES.includes(routeOf(request))) return;
    return reply.status(404).type('application/json; charset=utf-8').send(CLOUD_NOT_FOUND_BODY);
  });

  app.addHook('preValidation', async (request) => {
    if (routeOf(request) === STATUS_ROUTE) delete (request.query as Record<string, unknown>).wait;
  });

  app.addHook('preSerialization', async (request, reply, payload) => {
    const strip = EXTENSION_FIELDS[routeOf(request)];
    return strip && reply.statusCode < 300 ? strip(payload as Answer) : payload;
  });

  app.addHook('onSend', async (request, reply, payload) =>
    request.is404 && reply.statusCode === 404 ? CLOUD_NOT_FOUND_BODY : payload,
  );

  // The tables above name routes by their path: a renamed route must fail the start, not slip through.
  app.addHook('onReady', async () => {
    for (const route of [...EXTENSION_ROUTES, ...Object.keys(EXTENSION_FIELDS)]) {
      const [method, url] = route.split(' ') as [HTTPMethods, string];
      if (!app.hasRoute({ method, url })) throw new Error(`public-api-only names no route ${route}`);
    }
  });
}

function routeOf(request: FastifyRequest): string {
  return `${request.method} ${request.routeOptions.url}`;
}
