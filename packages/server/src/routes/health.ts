import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context.js';

export const healthRoutes: FastifyPluginAsync<ServerContext> = async (app) => {
  app.get('/health', async () => ({ status: 'ok' }));
};
