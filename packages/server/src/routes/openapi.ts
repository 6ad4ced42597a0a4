import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context.js';
import { buildOpenApiDocument, OPENAPI_PATH } from '../http/openapi-document.js';

/** `GET /openapi.json`: the API's OpenAPI 3.1 document, built and serialized once at start. */
export const openApiRoutes: FastifyPluginAsync<ServerContext> = async (app, context) => {
  const document = JSON.stringify(buildOpenApiDocument({ publicUrl: context.config.publicUrl }));
  app.get(OPENAPI_PATH, async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(document),
  );
};
