import { createHash } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  CLI_CLIENT_ID,
  JwtIssuerClaim,
  LoginFile,
  OAuthErrorBody,
  TokenResponse,
  WORKSPACE_KEY_PREFIX,
} from '@base44-connectors/contract';
import { lock } from 'proper-lockfile';
import type { CliEnvironment } from './environment.js';
import { CliError, NotLoggedInError } from './errors.js';
import { ApiClient, type Authenticator } from './http.js';
import { printable } from './printable.js';
import { writeAtomically } from './resources/connectors/files.js';

/** A login as the CLI holds it: `auth.json`'s content (see LoginFile), always with a name. */
export type StoredLogin = LoginFile & { name: string };

/** The public CLI's default server: where a login that names no server was made. */
export const BASE44_CLOUD_URL = 'https://app.base44.com';
const REFRESH_AHEAD_MS = 60_000;

export function loginFile(home: string): string {
  return join(home, '.base44', 'auth', 'auth.json');
}

/**
 * Where the login of one server is kept besides `auth.json`, so that logging in to another server
 * (which rewrites `auth.json`, as the public CLI reads only that) loses no login.
 */
export function serverLoginFile(home: string, server: string): string {
  const digest = createHash('sha256').update(normalServer(server)).digest('hex').slice(0, 24);
  return join(home, '.base44', 'auth', 'servers', `${digest}.json`);
}

/** `auth.json`: the latest login, in the public CLI's format. */
export function readLogin(home: string): Promise<StoredLogin | undefined> {
  return readLoginFile(loginFile(home));
}

/** The stored login of `server`: `auth.json` when it is that server's, else the one kept for it. */
export async function readLoginFor(home: string, server: string): Promise<StoredLogin | undefined> {
  const latest = await readLogin(home);
  if (latest && sameServer(loginServer(latest), server)) return latest;
  const kept = await readLoginFile(serverLoginFile(home, server));
  return kept && sameServer(loginServer(kept), server) ? kept : undefined;
}

async function readLoginFile(file: string): Promise<StoredLogin | undefined> {
  try {
    const stored = LoginFile.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return stored.success ? { ...stored.data, name: stored.data.name ?? stored.data.email } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A new login: it becomes `auth.json` (the login before it, of another server, stays kept for that
 * server) and is kept for its server. Written 0600 in 0700 folders, atomically.
 */
export async function writeLogin(home: string, login: StoredLogin): Promise<void> {
  const previous = await readLogin(home);
  if (previous && !sameServer(loginServer(previous), loginServer(login)))
    await writeFile0600(serverLoginFile(home, loginServer(previous)), previous);
  await writeFile0600(serverLoginFile(home, loginServer(login)), login);
  await writeFile0600(loginFile(home), login);
}

/** A refreshed login: kept for its server, and in `auth.json` only if that is this server's. */
async function storeRefreshed(home: string, login: StoredLogin): Promise<void> {
  await writeFile0600(serverLoginFile(home, loginServer(login)), login);
  const latest = await readLogin(home);
  if (!latest || sameServer(loginServer(latest), loginServer(login)))
    await writeFile0600(loginFile(home), login);
}

async function writeFile0600(file: string, login: StoredLogin): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeAtomically(file, `${JSON.stringify(login, null, 2)}\n`, 0o600);
}

/** Forgets the login of `server`; answers whether there was one. */
export async function deleteLogin(home: string, server: string): Promise<boolean> {
  const existed = (await readLoginFor(home, server)) !== undefined;
  const latest = await readLogin(home);
  if (latest && sameServer(loginServer(latest), server)) await rm(loginFile(home), { force: true });
  await rm(serverLoginFile(home, server), { force: true });
  return existed;
}

/**
 * The server a stored login belongs to: the one it names, else the issuer of its access token
 * when that is a URL (base44-server's tokens say so), else the Base44 cloud, where the public CLI
 * logs in by default.
 */
export function loginServer(login: StoredLogin): string {
  if (login.server) return login.server;
  const issuer = issuerOf(login.accessToken);
  return issuer && URL.canParse(issuer) ? issuer : BASE44_CLOUD_URL;
}

/** Whether two server addresses name the same server: scheme, host, port and path, trailing slash aside. */
export function sameServer(a: string, b: string): boolean {
  return normalServer(a) === normalServer(b);
}

function normalServer(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

/**
 * The credentials a request carries: a workspace key, a token from the environment, or the stored
 * login, refreshed when it is about to expire and once more when the server refuses it.
 */
export class Credentials implements Authenticator {
  private refreshing: Promise<StoredLogin> | undefined;

  constructor(
    private readonly environment: CliEnvironment,
    private readonly now: () => number = Date.now,
    private readonly tokenClient: ApiClient = new ApiClient(environment.apiUrl),
  ) {}

  /** What kind of credentials requests carry, for messages. */
  get kind(): 'workspace_key' | 'access_token' | 'login' {
    if (this.environment.apiKey) return 'workspace_key';
    return this.environment.accessToken ? 'access_token' : 'login';
  }

  get usesWorkspaceKey(): boolean {
    return this.environment.apiKey?.startsWith(WORKSPACE_KEY_PREFIX) === true;
  }

  async headers(): Promise<Record<string, string>> {
    const { apiKey, accessToken } = this.environment;
    if (apiKey) return { api_key: apiKey };
    if (accessToken) return { authorization: `Bearer ${accessToken}` };
    let login = await this.storedLogin();
    if (login.expiresAt - REFRESH_AHEAD_MS <= this.now()) login = await this.refreshOnce(login);
    return { authorization: `Bearer ${login.accessToken}` };
  }

  /**
   * After a 401 with the stored login: another process may have refreshed it meanwhile (then its
   * new token is used), or it is refreshed here. Keys and tokens from the environment cannot be.
   */
  async renew(rejected: Record<string, string>): Promise<boolean> {
    if (this.kind !== 'login') return false;
    const login = await this.storedLogin();
    if (rejected.authorization !== `Bearer ${login.accessToken}`) return true;
    await this.refreshOnce(login);
    return true;
  }

  /** The stored login, when it belongs to the server the CLI talks to. */
  private async storedLogin(): Promise<StoredLogin> {
    const { home, apiUrl } = this.environment;
    const login = await readLoginFor(home, apiUrl);
    if (login) return login;
    const other = await readLogin(home);
    if (!other) throw new NotLoggedInError(`Not logged in to ${apiUrl}.`);
    const issuer = loginServer(other);
    throw new NotLoggedInError(
      `The stored login (${printable(other.email)}) is for ${printable(issuer)}, not ${apiUrl}; it is never sent to another server.`,
      [`Run 'base44 login' to log in to ${apiUrl}, or set BASE44_API_URL=${printable(issuer)}.`],
    );
  }

  private refreshOnce(login: StoredLogin): Promise<StoredLogin> {
    this.refreshing ??= this.refresh(login).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /**
   * Trades the refresh token for a new pair, holding a lock on the login folder so that CLI
   * processes refreshing at once take turns: whoever comes second finds the new pair stored and
   * uses it (the server has rotated the old refresh token away). Only the server saying the
   * refresh token is invalid ends the login; a network failure or a server error keeps it.
   */
  private async refresh(login: StoredLogin): Promise<StoredLogin> {
    const release = await lockLogins(this.environment.home);
    try {
      const current = await readLoginFor(this.environment.home, this.environment.apiUrl);
      if (
        current &&
        current.refreshToken !== login.refreshToken &&
        current.expiresAt - REFRESH_AHEAD_MS > this.now()
      )
        return current;
      return await this.exchangeRefreshToken(current ?? login);
    } finally {
      await release();
    }
  }

  private async exchangeRefreshToken(login: StoredLogin): Promise<StoredLogin> {
    const { apiUrl, home } = this.environment;
    const answer = await this.tokenClient.exchange('post', 'oauth/token', {
      credentials: 'none',
      retry: false,
      timeoutMs: 15_000,
      form: { grant_type: 'refresh_token', refresh_token: login.refreshToken, client_id: CLI_CLIENT_ID },
    });
    if (answer.status === 400 && OAuthErrorBody.safeParse(answer.body).data?.error === 'invalid_grant') {
      const current = await readLoginFor(home, apiUrl);
      if (current && current.refreshToken !== login.refreshToken && current.expiresAt > this.now())
        return current;
      await deleteLogin(home, apiUrl);
      throw new NotLoggedInError(`Your login to ${apiUrl} has expired or was revoked.`);
    }
    const tokens = TokenResponse.safeParse(answer.body);
    if (answer.status !== 200 || !tokens.success) {
      throw new CliError(
        `Could not refresh your login (the server answered ${answer.status}); it is kept for the next try.`,
        'refresh_failed',
      );
    }
    const renewed: StoredLogin = {
      ...login,
      accessToken: tokens.data.access_token,
      refreshToken: tokens.data.refresh_token,
      expiresAt: this.now() + tokens.data.expires_in * 1000,
      server: loginServer(login),
    };
    await storeRefreshed(home, renewed);
    return renewed;
  }
}

/** The lock CLI processes take turns on while one refreshes a login; a crashed holder's goes stale. */
async function lockLogins(home: string): Promise<() => Promise<void>> {
  const dir = join(home, '.base44', 'auth');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    return await lock(dir, {
      lockfilePath: join(dir, 'refresh.lock'),
      realpath: false,
      stale: 20_000,
      retries: { retries: 100, minTimeout: 50, maxTimeout: 250 },
    });
  } catch (error) {
    throw new CliError(
      `Another base44 process has been refreshing the login for too long (${(error as Error).message}).`,
      'login_locked',
    );
  }
}

/** The `iss` claim of a JWT, read without verifying it (only to tell which server issued it). */
function issuerOf(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JwtIssuerClaim.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    return claims.success ? claims.data.iss : undefined;
  } catch {
    return undefined;
  }
}
