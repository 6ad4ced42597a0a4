import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { locateProject } from './project-layout.js';

/** Everything the CLI takes from its surroundings, read once at the entry point. */
export interface CliEnvironment {
  cwd: string;
  home: string;
  apiUrl: string;
  /** Where `apiUrl` came from: the environment, a project's `.env` file, or the default. */
  apiUrlFrom: 'environment' | '.env.local' | '.env' | 'default';
  apiKey: string | undefined;
  accessToken: string | undefined;
  appId: string | undefined;
  browser: string | undefined;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  ci: boolean;
  color: boolean;
  /** `BASE44_HTTP_TIMEOUT` (seconds): the deadline of one request; undefined means the default (30 s). */
  requestTimeoutMs: number | undefined;
}

export const DEFAULT_API_URL = 'http://127.0.0.1:4044';

/** Read once, before anything else; the project's `.env` files fill in what the environment lacks. */
export function readEnvironment(process: NodeJS.Process): CliEnvironment {
  const root = locateProject(process.cwd())?.root;
  const env = root ? withEnvFiles(process.env, root) : process.env;
  const stdoutIsTTY = process.stdout.isTTY === true;
  return {
    cwd: process.cwd(),
    home: env.HOME || homedir(),
    apiUrl: (env.BASE44_API_URL || DEFAULT_API_URL).replace(/\/+$/, ''),
    apiUrlFrom: process.env.BASE44_API_URL
      ? 'environment'
      : env.BASE44_API_URL
        ? (root && envFileDefining(root, 'BASE44_API_URL')) || '.env'
        : 'default',
    apiKey: env.BASE44_API_KEY?.trim() || undefined,
    accessToken: env.BASE44_ACCESS_TOKEN?.trim() || undefined,
    appId: env.BASE44_APP_ID?.trim() || undefined,
    browser: env.BROWSER?.trim() || undefined,
    stdinIsTTY: process.stdin.isTTY === true,
    stdoutIsTTY,
    ci: Boolean(env.CI) && env.CI !== 'false' && env.CI !== '0',
    color: 'NO_COLOR' in env ? false : 'FORCE_COLOR' in env ? env.FORCE_COLOR !== '0' : stdoutIsTTY,
    requestTimeoutMs: secondsToMs(env.BASE44_HTTP_TIMEOUT),
  };
}

function secondsToMs(value: string | undefined): number | undefined {
  const seconds = Number(value);
  return value && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

/** No prompt, no browser, nothing that waits for a person (cli.md). */
export function isInteractive(environment: CliEnvironment, json: boolean): boolean {
  return environment.stdinIsTTY && environment.stdoutIsTTY && !environment.ci && !json;
}

/** Loaded in this order, each filling in only the variables that are not set yet. */
export const ENV_FILES = ['.env.local', '.env'] as const;

/** The first of the project's env files that sets `name`. */
function envFileDefining(root: string, name: string): (typeof ENV_FILES)[number] | undefined {
  return ENV_FILES.find((file) => {
    try {
      return parseEnv(readFileSync(join(root, file), 'utf8'))[name] !== undefined;
    } catch {
      return false;
    }
  });
}

/**
 * `env` with the variables of `ROOT/.env.local` and `ROOT/.env` that it does not have, as the
 * public CLI loads them (dotenv without override): the real environment wins over both files, and
 * `.env.local` over `.env`. A missing or unreadable file adds nothing. `env` itself is not changed.
 */
export function withEnvFiles(env: NodeJS.ProcessEnv, root: string): NodeJS.ProcessEnv {
  const merged = { ...env };
  for (const name of ENV_FILES) {
    let text: string;
    try {
      text = readFileSync(join(root, name), 'utf8');
    } catch {
      continue;
    }
    for (const [key, value] of Object.entries(parseEnv(text))) {
      if (merged[key] === undefined) merged[key] = value;
    }
  }
  return merged;
}
