import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CLI_CLIENT_ID, TokenResponse } from '@base44-connectors/contract';
import type { CliEnvironment } from './environment.js';
import { CliError, NotLoggedInError } from './errors.js';
import { writeAtomically } from './resources/connectors/files.js';

/** `~/.base44/auth/auth.json`, in the public CLI's format, so both CLIs share one login. */
export interface StoredLogin {
  accessToken: string;
  refreshToken: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
  email: string;
  name: string;
}

const REFRESH_AHEAD_MS = 60_000;

export function loginFile(home: string): string {
  return join(home, '.base44', 'auth', 'auth.json');
}

export async function readLogin(home: string): Promise<StoredLogin | undefined> {
  try {
    const stored = JSON.parse(await readFile(loginFile(home), 'utf8')) as Partial<StoredLogin>;
    const valid =
      typeof stored.accessToken === 'string' &&
      typeof stored.refreshToken === 'string' &&
      typeof stored.expiresAt === 'number' &&
      typeof stored.email === 'string';
    return valid ? ({ name: stored.email, ...stored } as StoredLogin) : undefined;
  } catch {
    return undefined;
  }
}

/** Written 0600 in a 0700 folder, atomically: a crash leaves the old login or the new one. */
export async function writeLogin(home: string, login: StoredLogin): Promise<void> {
  const file = loginFile(home);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeAtomically(file, `${JSON.stringify(login, null, 2)}\n`, 0o600);
}

export async function deleteLogin(home: string): Promise<boolean> {
  const file = loginFile(home);
  const existed = (await readLogin(home)) !== undefined;
  await rm(file, { force: true });
  return existed;
}

/** The credentials a request carries: a workspace key, a token from the environment, or the stored login. */
export class Credentials {
  private refreshing: Promise<StoredLogin> | undefined;

  constructor(
    private readonly environment: CliEnvironment,
    private readonly now: () => number = Date.now,
  ) {}

  async headers(): Promise<Record<string, string>> {
    const { apiKey, accessToken, home, apiUrl } = this.environment;
    if (apiKey) return { api_key: apiKey };
    if (accessToken) return { authorization: `Bearer ${accessToken}` };
    let login = await readLogin(home);
    if (!login) throw new NotLoggedInError(`Not logged in to ${apiUrl}.`);
    if (login.expiresAt - REFRESH_AHEAD_MS <= this.now()) {
      this.refreshing ??= this.refresh(login).finally(() => {
        this.refreshing = undefined;
      });
      login = await this.refreshing;
    }
    return { authorization: `Bearer ${login.accessToken}` };
  }

  /**
   * Trades the refresh token for a new pair. Only the server saying the refresh token is invalid
   * ends the login; a network failure or a server error keeps it for the next try.
   */
  private async refresh(login: StoredLogin): Promise<StoredLogin> {
    const { apiUrl, home } = this.environment;
    let response: Response;
    try {
      response = await fetch(`${apiUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: login.refreshToken,
          client_id: CLI_CLIENT_ID,
        }),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw unreachable(apiUrl, error);
    }
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    if (response.status === 400 && body.error === 'invalid_grant') {
      await deleteLogin(home);
      throw new NotLoggedInError(`Your login to ${apiUrl} has expired or was revoked.`);
    }
    const tokens = TokenResponse.safeParse(body);
    if (!response.ok || !tokens.success) {
      throw new CliError(
        `Could not refresh your login (the server answered ${response.status}); it is kept for the next try.`,
        'refresh_failed',
      );
    }
    const renewed: StoredLogin = {
      ...login,
      accessToken: tokens.data.access_token,
      refreshToken: tokens.data.refresh_token,
      expiresAt: this.now() + tokens.data.expires_in * 1000,
    };
    await writeLogin(home, renewed);
    return renewed;
  }
}

export function unreachable(apiUrl: string, error: unknown): CliError {
  const cause =
    (error as { cause?: { code?: string } })?.cause?.code ??
    (error instanceof Error ? error.message : String(error));
  return new CliError(`Cannot reach the server at ${apiUrl} (${cause}).`, 'server_unreachable', 1, [
    'Is base44-server running? Set BASE44_API_URL to use another server.',
  ]);
}
