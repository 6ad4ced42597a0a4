import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context.js';

export const OPENAPI_PATH = '/openapi.json';

/**
 * `GET /openapi.json`: the API's OpenAPI 3.1 document, built and serialized on the first request
 * (building it converts every contract schema, which an idle server need not hold in memory).
 */
export const openApiRoutes: FastifyPluginAsync<ServerContext> = async (app, context) => {
  let document: Promise<string> | undefined;
  const serialized = async () => {
    const { buildOpenApiDocument } = await import('../http/openapi-document.js');
    return JSON.stringify(buildOpenApiDocument({ publicUrl: context.config.publicUrl }));
  };
  app.get(OPENAPI_PATH, async (_request, reply) => {
    document ??= serialized();
    return reply.type('application/json; charset=utf-8').send(await document);
  });
};
