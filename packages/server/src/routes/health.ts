import { CONNECTOR_FILE_SCHEMA_PATH, connectorFileJsonSchema } from '@base44-connectors/contract';
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context.js';

export const healthRoutes: FastifyPluginAsync<ServerContext> = async (app) => {
  app.get('/health', async () => ({ status: 'ok' }));

  const connectorFileSchema = connectorFileJsonSchema();
  // For editors: point `json.schemas` (or a file's "$schema") here to complete and check connector files.
  app.get(CONNECTOR_FILE_SCHEMA_PATH, async (_request, reply) =>
    reply.type('application/schema+json').send(connectorFileSchema),
  );
};
