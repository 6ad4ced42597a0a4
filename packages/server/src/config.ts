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
  devicePollInterval: 'BASE44_SERVER_DEVICE_POLL_INTERVAL',
} as const;

export class ConfigError extends Error {}

export function loadConfig(flags: ServerFlags, env: NodeJS.ProcessEnv): ServerConfig {
  const setting = (name: keyof ServerFlags & keyof typeof ENVIRONMENT_VARIABLES): string | undefined => {
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
