import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ServerSecrets } from './auth/server-secrets.js';
import type { ServerConfig } from './config.js';
import type { ServerContext } from './context.js';
import { installHttpConventions, requestIdOf, serializeRequestForLog } from './http/conventions.js';
import { type AppScopedRoute, appScopedRoutes } from './routes/app-scope.js';
import { devicePages } from './routes/device-pages.js';
import { healthRoutes } from './routes/health.js';
import { loginRoutes } from './routes/login.js';
import { paymentRoutes } from './routes/payments.js';
import type { Storage } from './storage/database.js';

export interface ServerOptions {
  config: ServerConfig;
  storage: Storage;
  secrets: ServerSecrets;
  now?: () => number;
  /** false silences the log (tests); otherwise pino at `config.logLevel` to stdout. */
  log?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    appScopedRoutes: readonly AppScopedRoute[];
  }
}

const BODY_LIMIT_BYTES = 1024 * 1024;

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { config, storage, secrets } = options;
  const context: ServerContext = {
    config,
    db: storage.db,
    secrets,
    accessTokens: {
      issuer: config.publicUrl,
      key: secrets.signingKey,
      ttlSeconds: config.login.accessTokenTtlSeconds,
    },
    now: options.now ?? Date.now,
  };

  const app = Fastify({
    logger:
      options.log === false
        ? false
        : { level: config.logLevel, serializers: { req: serializeRequestForLog } },
    genReqId: requestIdOf,
    requestIdHeader: false,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: false,
  });

  installHttpConventions(app);
  await app.register(formbody, { bodyLimit: BODY_LIMIT_BYTES });
  await app.register(cookie, { secret: secrets.cookieSecret });
  await app.register(csrf, {
    cookieKey: 'b44_csrf',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', path: '/', secure: isHttps(config) },
    getToken: (request) => (request.body as Record<string, string> | undefined)?._csrf,
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      code: 'rate_limited',
      message: `Too many requests; try again in ${Math.ceil(context.ttl / 1000)} s`,
    }),
  });

  await app.register(healthRoutes, context);
  await app.register(loginRoutes, context);
  await app.register(devicePages, context);
  const appRoutes: AppScopedRoute[] = [];
  app.decorate('appScopedRoutes', appRoutes);
  await app.register(appScopedRoutes(context, appRoutes, [paymentRoutes]), { prefix: '/api/apps/:appId' });
  return app;
}

export function isHttps(config: ServerConfig): boolean {
  return config.publicUrl.startsWith('https://');
}
