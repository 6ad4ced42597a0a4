import { ApiErrorCode } from '@base44-connectors/contract';
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context.js';
import { HttpError } from '../http/errors.js';

const NOT_AVAILABLE = 'Stripe provisioning is not available on this server';

/** This server provisions no Stripe; the public CLI's pull reads the status, so it must answer. */
export const paymentRoutes: FastifyPluginAsync<ServerContext> = async (app) => {
  app.get('/payments/stripe/status', async () => ({ stripe_mode: null }));

  const notAvailable = async () => {
    throw new HttpError(501, NOT_AVAILABLE, ApiErrorCode.notImplemented);
  };
  app.post('/payments/stripe/install', notAvailable);
  app.delete('/payments/stripe', notAvailable);
};
