import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  /** `postgres://…` for PostgreSQL; undefined means SQLite in `dataDir/base44.db`. */
  databaseUrl: string | undefined;
  /** The address people and providers reach this server at; it prefixes every URL the server hands out. */
  publicUrl: string;
  logLevel: string;
  login: LoginSettings;
  /** Every catalog provider is played by the built-in sandbox provider: no credentials needed. */
  sandbox: boolean;
  /** Answer as the Base44 cloud does: none of our extensions, its 404 body (see http/public-api-only.ts). */
  publicApiOnly: boolean;
  /** Comma-separated base64 AES keys, the first current; undefined means the data directory's key file. */
  encryptionKeys: string | undefined;
  providers: ProviderSettings;
  sessions: SessionSettings;
  limits: HttpLimits;
}

/** What one client may cost the server: the sizes and times after which a request is refused or cut off. */
export interface HttpLimits {
  /** Largest request body (JSON or form); larger ones are refused with 413. */
  bodyLimitBytes: number;
  /** Deepest nesting of arrays and objects a JSON body may have; deeper ones are refused before parsing. */
  maxJsonDepth: number;
  /** Time to receive a whole request, headers and body (Node's `requestTimeout`); then 408 and the socket closes. */
  requestTimeoutMs: number;
  /** Time to receive the headers of a request (Node's `headersTimeout`): slowloris clients are cut off. */
  headersTimeoutMs: number;
  /** How long an idle keep-alive connection stays open after a response. */
  keepAliveTimeoutMs: number;
  /** Open connections at once; the next one is closed as it arrives (Node's `maxConnections`). */
  maxConnections: number;
  /** On shutdown, how long requests in flight may finish before every connection is cut. */
  shutdownGraceMs: number;
}

export const DEFAULT_LIMITS: HttpLimits = {
  bodyLimitBytes: 1024 * 1024,
  maxJsonDepth: 32,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  // Longer than the idle timeout of common proxies and load balancers (60 s), as Fastify's default.
  keepAliveTimeoutMs: 72_000,
  maxConnections: 1000,
  shutdownGraceMs: 10_000,
};

/** Dashboard and verification-page sign-ins (web/sessions.ts). */
export interface SessionSettings {
  /** A session unused this long ends. */
  idleTimeoutSeconds: number;
  /** A session ends this long after its sign-in, however busy. */
  lifetimeSeconds: number;
}

export const DEFAULT_SESSION_SETTINGS: SessionSettings = {
  idleTimeoutSeconds: 12 * 60 * 60,
  lifetimeSeconds: 7 * 24 * 60 * 60,
};

/** This server's client at one provider: its credentials, and how long a request there may take. */
export interface ProviderCredentials {
  clientId: string;
  clientSecret: string;
  /** Token, revocation and refresh requests give up after this long; the default is 10 s. */
  requestTimeoutMs?: number;
}

export interface ProviderSettings {
  /** Client credentials by integration type. */
  credentials: Record<string, ProviderCredentials>;
  /** Catalog entries added by the providers file (validated when the registry loads them). */
  extraCatalog: unknown[];
}

export interface LoginSettings {
  deviceCodeTtlSeconds: number;
  pollIntervalSeconds: number;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

/** What the `start` command's flags may set; every one also has an environment variable. */
export interface ServerFlags {
  host?: string;
  port?: string | number;
  dataDir?: string;
  databaseUrl?: string;
  publicUrl?: string;
  logLevel?: string;
  sandbox?: boolean;
  publicApiOnly?: boolean;
  providersFile?: string;
}

export const DEFAULT_PORT = 4044;
export const DEFAULT_HOST = '127.0.0.1';

/** Environment variable of each setting, documented in the README. */
export const ENVIRONMENT_VARIABLES = {
  host: 'BASE44_SERVER_HOST',
  port: 'BASE44_SERVER_PORT',
  dataDir: 'BASE44_SERVER_DATA_DIR',
  databaseUrl: 'BASE44_SERVER_DATABASE_URL',
  publicUrl: 'BASE44_SERVER_PUBLIC_URL',
  logLevel: 'BASE44_SERVER_LOG_LEVEL',
  sandbox: 'BASE44_SERVER_SANDBOX',
  publicApiOnly: 'BASE44_PUBLIC_API_ONLY',
  providersFile: 'BASE44_SERVER_PROVIDERS_FILE',
  encryptionKey: 'BASE44_SERVER_ENCRYPTION_KEY',
  devicePollInterval: 'BASE44_SERVER_DEVICE_POLL_INTERVAL',
  providerTimeout: 'BASE44_SERVER_PROVIDER_TIMEOUT',
  sessionLifetime: 'BASE44_SERVER_SESSION_LIFETIME',
  sessionIdleTimeout: 'BASE44_SERVER_SESSION_IDLE_TIMEOUT',
  requestTimeout: 'BASE44_SERVER_REQUEST_TIMEOUT',
  headersTimeout: 'BASE44_SERVER_HEADERS_TIMEOUT',
  keepAliveTimeout: 'BASE44_SERVER_KEEP_ALIVE_TIMEOUT',
  maxConnections: 'BASE44_SERVER_MAX_CONNECTIONS',
  shutdownGrace: 'BASE44_SERVER_SHUTDOWN_GRACE',
} as const;

/** `BASE44_PROVIDER_SLACK_CLIENT_ID` and `…_CLIENT_SECRET` give the credentials of type `slack`. */
const PROVIDER_CREDENTIAL = /^BASE44_PROVIDER_([A-Z0-9_]+)_CLIENT_(ID|SECRET)$/;

export class ConfigError extends Error {}

export function loadConfig(flags: ServerFlags, env: NodeJS.ProcessEnv): ServerConfig {
  const setting = (
    name: Exclude<keyof ServerFlags, 'sandbox' | 'publicApiOnly'> & keyof typeof ENVIRONMENT_VARIABLES,
  ): string | undefined => {
    const fromFlag = flags[name];
    if (fromFlag !== undefined && fromFlag !== '') return String(fromFlag);
    const fromEnv = env[ENVIRONMENT_VARIABLES[name]];
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
  };

  const host = setting('host') ?? DEFAULT_HOST;
  const port = parsePort(setting('port') ?? String(DEFAULT_PORT));
  const databaseUrl = setting('databaseUrl');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(`--database-url must start with postgres:// (got "${redactUrl(databaseUrl)}")`);
  }
  const givenPublicUrl = setting('publicUrl');
  // Every URL the server hands out starts with the public URL, so it must be known before listening.
  if (port === 0 && givenPublicUrl === undefined) throw new ConfigError('--port 0 needs --public-url');
  const publicUrl = trimTrailingSlash(givenPublicUrl ?? `http://${urlHost(host)}:${port}`);
  if (!URL.canParse(publicUrl)) throw new ConfigError(`--public-url is not a URL: "${publicUrl}"`);

  return {
    host,
    port,
    dataDir: setting('dataDir') ?? join(homedir(), '.base44-server'),
    databaseUrl,
    publicUrl,
    logLevel: setting('logLevel') ?? 'info',
    sandbox: switchOn(flags.sandbox, env[ENVIRONMENT_VARIABLES.sandbox]),
    publicApiOnly: switchOn(flags.publicApiOnly, env[ENVIRONMENT_VARIABLES.publicApiOnly]),
    encryptionKeys: env[ENVIRONMENT_VARIABLES.encryptionKey] || undefined,
    providers: loadProviderSettings(setting('providersFile'), env),
    limits: loadLimits(env),
    sessions: {
      idleTimeoutSeconds: parsePositiveInt(
        env[ENVIRONMENT_VARIABLES.sessionIdleTimeout] || String(DEFAULT_SESSION_SETTINGS.idleTimeoutSeconds),
        ENVIRONMENT_VARIABLES.sessionIdleTimeout,
      ),
      lifetimeSeconds: parsePositiveInt(
        env[ENVIRONMENT_VARIABLES.sessionLifetime] || String(DEFAULT_SESSION_SETTINGS.lifetimeSeconds),
        ENVIRONMENT_VARIABLES.sessionLifetime,
      ),
    },
    login: {
      deviceCodeTtlSeconds: 600,
      pollIntervalSeconds: parsePositiveInt(
        env[ENVIRONMENT_VARIABLES.devicePollInterval] ?? '5',
        ENVIRONMENT_VARIABLES.devicePollInterval,
      ),
      accessTokenTtlSeconds: 3600,
      refreshTokenTtlSeconds: 60 * 60 * 24 * 30,
    },
  };
}

function loadProviderSettings(file: string | undefined, env: NodeJS.ProcessEnv): ProviderSettings {
  const settings: ProviderSettings = { credentials: {}, extraCatalog: [] };
  const timeout = env[ENVIRONMENT_VARIABLES.providerTimeout];
  const requestTimeoutMs = timeout ? timeoutMs(timeout, ENVIRONMENT_VARIABLES.providerTimeout) : undefined;
  if (file) {
    let parsed: {
      credentials?: Record<string, ProviderCredentials & { timeoutSeconds?: unknown }>;
      catalog?: unknown[];
    };
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ConfigError(`--providers-file ${file}: ${(error as Error).message}`);
    }
    for (const [type, credentials] of Object.entries(parsed.credentials ?? {})) {
      if (typeof credentials?.clientId !== 'string' || typeof credentials?.clientSecret !== 'string') {
        throw new ConfigError(
          `--providers-file ${file}: credentials.${type} needs string clientId and clientSecret`,
        );
      }
      const ownTimeout =
        credentials.timeoutSeconds === undefined
          ? requestTimeoutMs
          : timeoutMs(
              String(credentials.timeoutSeconds),
              `--providers-file ${file}: credentials.${type}.timeoutSeconds`,
            );
      settings.credentials[type] = {
        clientId: credentials.clientId,
        clientSecret: credentials.clientSecret,
        ...(ownTimeout === undefined ? {} : { requestTimeoutMs: ownTimeout }),
      };
    }
    settings.extraCatalog = Array.isArray(parsed.catalog) ? parsed.catalog : [];
  }
  const partial: Record<string, Partial<ProviderCredentials>> = {};
  for (const [name, value] of Object.entries(env)) {
    const match = PROVIDER_CREDENTIAL.exec(name);
    if (!match || !value) continue;
    const type = match[1]!.toLowerCase();
    partial[type] = { ...partial[type], [match[2] === 'ID' ? 'clientId' : 'clientSecret']: value };
  }
  for (const [type, credentials] of Object.entries(partial)) {
    if (!credentials.clientId || !credentials.clientSecret) {
      const missing = credentials.clientId ? 'CLIENT_SECRET' : 'CLIENT_ID';
      throw new ConfigError(`BASE44_PROVIDER_${type.toUpperCase()}_${missing} is missing`);
    }
    settings.credentials[type] = {
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
    };
  }
  return settings;
}

function loadLimits(env: NodeJS.ProcessEnv): HttpLimits {
  const seconds = (name: keyof typeof ENVIRONMENT_VARIABLES, fallbackMs: number) => {
    const value = env[ENVIRONMENT_VARIABLES[name]];
    return value ? timeoutMs(value, ENVIRONMENT_VARIABLES[name]) : fallbackMs;
  };
  const maxConnections = env[ENVIRONMENT_VARIABLES.maxConnections];
  const limits: HttpLimits = {
    ...DEFAULT_LIMITS,
    requestTimeoutMs: seconds('requestTimeout', DEFAULT_LIMITS.requestTimeoutMs),
    headersTimeoutMs: seconds('headersTimeout', DEFAULT_LIMITS.headersTimeoutMs),
    keepAliveTimeoutMs: seconds('keepAliveTimeout', DEFAULT_LIMITS.keepAliveTimeoutMs),
    shutdownGraceMs: seconds('shutdownGrace', DEFAULT_LIMITS.shutdownGraceMs),
    maxConnections: maxConnections
      ? parsePositiveInt(maxConnections, ENVIRONMENT_VARIABLES.maxConnections)
      : DEFAULT_LIMITS.maxConnections,
  };
  // Node refuses a header timeout beyond the whole request's.
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new ConfigError(
      `${ENVIRONMENT_VARIABLES.headersTimeout} must not exceed ${ENVIRONMENT_VARIABLES.requestTimeout}`,
    );
  }
  return limits;
}

/** A switch is on by its flag, or by its environment variable set to `1` or `true`. */
function switchOn(flag: boolean | undefined, fromEnv: string | undefined): boolean {
  return flag === true || ['1', 'true'].includes(fromEnv ?? '');
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`--port must be a whole number from 0 to 65535 (got "${value}")`);
  }
  return port;
}

function parsePositiveInt(value: string, name: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new ConfigError(`${name} must be a whole number ≥ 1`);
  return number;
}

/** Seconds (fractions allowed, up to 5 minutes) as milliseconds. */
function timeoutMs(value: string, name: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 300) {
    throw new ConfigError(`${name} must be a number of seconds above 0 and at most 300 (got "${value}")`);
  }
  return Math.round(seconds * 1000);
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function trimTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
