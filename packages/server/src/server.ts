import type { AdapterConstructor } from '@base44-connectors/sandbox';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { keyResolver } from './accounts/api-keys.js';
import { KeyUseRecorder } from './accounts/key-use.js';
import type { ServerSecrets } from './auth/server-secrets.js';
import { CATALOG } from './broker/catalog/index.js';
import { createProviderRegistry, type SandboxStandIn } from './broker/registry.js';
import type { HttpLimits, ServerConfig } from './config.js';
import { type ConnectorContext, callbackUrl } from './connectors/context.js';
import { TokenApi } from './connectors/token-api.js';
import type { ServerContext } from './context.js';
import { newSecret } from './crypto/random.js';
import {
  frameworkErrorAnswer,
  installHttpConventions,
  MAX_PATH_SEGMENT_LENGTH,
  requestIdOf,
  serializeRequestForLog,
} from './http/conventions.js';
import { installPublicApiOnly, servedExtensions } from './http/public-api-only.js';
import { type AppScopedRoute, appScopedRoutes } from './routes/app-scope.js';
import { connectorRoutes } from './routes/connectors.js';
import { dashboardPages } from './routes/dashboard.js';
import { devicePages } from './routes/device-pages.js';
import { healthRoutes } from './routes/health.js';
import { loginRoutes } from './routes/login.js';
import { oauthPages } from './routes/oauth-pages.js';
import { openApiRoutes } from './routes/openapi.js';
import { paymentRoutes } from './routes/payments.js';
import { sandboxMount } from './routes/sandbox-mount.js';
import type { Storage } from './storage/database.js';
import { RowCache } from './storage/row-cache.js';
import { sandboxStore } from './storage/sandbox-store.js';
import { loadKeyring } from './vault/keyring.js';
import { Vault } from './vault/vault.js';

export interface ServerOptions {
  config: ServerConfig;
  storage: Storage;
  secrets: ServerSecrets;
  now?: () => number;
  /** false silences the log; otherwise pino at `config.logLevel`, to stdout or to `write` (tests read it). */
  log?: boolean | { write(line: string): void };
}

declare module 'fastify' {
  interface FastifyInstance {
    appScopedRoutes: readonly AppScopedRoute[];
  }
}

/** Rows the token path reads on every request; see RowCache for why they are never stale. */
const ROW_CACHE = { ttlMs: 60_000, capacity: 10_000 };

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { config, storage, secrets } = options;
  const now = options.now ?? Date.now;
  const extensions = servedExtensions(config);
  const keyUses = new KeyUseRecorder(storage.db, now, (error) =>
    app.log.warn({ err: error }, 'could not record when an API key was last used'),
  );
  const context: ServerContext = {
    config,
    db: storage.db,
    secrets,
    accessTokens: {
      issuer: config.publicUrl,
      key: secrets.signingKey,
      ttlSeconds: config.login.accessTokenTtlSeconds,
    },
    now,
    resolveKey: keyResolver(storage.db, new RowCache(storage.changeMark, { ...ROW_CACHE, now }), (keyId) =>
      keyUses.record(keyId),
    ),
  };

  const app = Fastify({
    logger:
      options.log === false
        ? false
        : {
            level: config.logLevel,
            serializers: { req: serializeRequestForLog },
            ...(typeof options.log === 'object' ? { stream: options.log } : {}),
          },
    genReqId: requestIdOf,
    requestIdHeader: false,
    routerOptions: { maxParamLength: MAX_PATH_SEGMENT_LENGTH },
    frameworkErrors: frameworkErrorAnswer(extensions),
    bodyLimit: config.limits.bodyLimitBytes,
    trustProxy: false,
    ...httpServerLimits(config.limits),
  });

  const vault = new Vault(loadKeyring(config.dataDir, config.encryptionKeys), () =>
    loadKeyring(config.dataDir, config.encryptionKeys),
  );
  const sandbox = config.sandbox ? await startSandbox(config, sandboxStore(storage.db, vault)) : undefined;
  const connectors: ConnectorContext = {
    db: storage.db,
    rowLocks: storage.kind === 'postgres',
    vault,
    events: storage.events,
    providers: createProviderRegistry({
      catalog: CATALOG,
      extraCatalog: config.providers.extraCatalog,
      credentials: config.providers.credentials,
      sandbox: sandbox?.standIn,
    }),
    publicUrl: config.publicUrl,
    now: context.now,
  };
  await storage.events.start();

  installHttpConventions(app, extensions, config.limits);
  cutConnectionsAfterGrace(app, config.limits.shutdownGraceMs);
  // Connections beyond the cap are closed by Node as they arrive, before any request is read.
  app.server.maxConnections = config.limits.maxConnections;
  if (config.publicApiOnly) installPublicApiOnly(app);
  const { changeMark } = storage;
  if (changeMark) {
    // Each request sees every commit made before it started (see sqliteConnection).
    app.addHook('onRequest', (_request, _reply, done) => {
      changeMark.refresh();
      done();
    });
  }
  await app.register(formbody, { bodyLimit: config.limits.bodyLimitBytes });
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
  await app.register(openApiRoutes, context);
  await app.register(loginRoutes, context);
  await app.register(devicePages, context);
  await app.register(oauthPages(connectors), context);
  await app.register(dashboardPages(connectors), context);
  if (sandbox) await app.register(sandboxMount(sandbox.provider));
  const appRoutes: AppScopedRoute[] = [];
  app.decorate('appScopedRoutes', appRoutes);
  const tokens = new TokenApi(connectors, new RowCache(storage.changeMark, { ...ROW_CACHE, now }));
  await app.register(
    appScopedRoutes(context, appRoutes, [paymentRoutes, connectorRoutes({ connectors, tokens })]),
    {
      prefix: '/api/apps/:appId',
    },
  );
  return app;
}

/**
 * The limits Node's HTTP server enforces on each connection (see HttpLimits). Node checks the
 * header and request timeouts every `connectionsCheckingInterval`, 30 s by default: checked at
 * least every second here, so a timeout is kept to within a second.
 */
function httpServerLimits(limits: HttpLimits) {
  const checkEveryMs = Math.max(10, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4)));
  return {
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: checkEveryMs },
  };
}

/**
 * Closing waits for every request in flight, and a client that stops sending mid-body holds its
 * connection until the request timeout: after the grace period every connection is cut, so
 * shutdown has an upper bound whatever the clients do.
 */
function cutConnectionsAfterGrace(app: FastifyInstance, graceMs: number): void {
  app.addHook('preClose', (done) => {
    const deadline = setTimeout(() => app.server.closeAllConnections(), graceMs);
    deadline.unref();
    app.server.once('close', () => clearTimeout(deadline));
    done();
  });
}

/** The built-in sandbox provider at `/sandbox`, with this server as its one client. */
async function startSandbox(config: ServerConfig, adapter: AdapterConstructor) {
  const issuer = `${config.publicUrl}/sandbox`;
  const client = { clientId: 'base44-server', clientSecret: newSecret() };
  // Loaded only with --sandbox: oidc-provider and its dependencies are most of an idle server's memory.
  const { createSandboxProvider } = await import('@base44-connectors/sandbox');
  const provider = await createSandboxProvider({
    issuer,
    clients: [{ ...client, redirectUris: [callbackUrl(config)] }],
    adapter,
  });
  const standIn: SandboxStandIn = { issuer, endpoints: provider.endpoints, ...client };
  return { provider, standIn };
}

export function isHttps(config: ServerConfig): boolean {
  return config.publicUrl.startsWith('https://');
}
