import { homedir } from 'node:os';

/** Everything the CLI takes from its surroundings, read once at the entry point. */
export interface CliEnvironment {
  cwd: string;
  home: string;
  apiUrl: string;
  apiKey: string | undefined;
  accessToken: string | undefined;
  appId: string | undefined;
  browser: string | undefined;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  ci: boolean;
  color: boolean;
  platform: NodeJS.Platform;
}

export const DEFAULT_API_URL = 'http://127.0.0.1:4044';

export function readEnvironment(process: NodeJS.Process): CliEnvironment {
  const env = process.env;
  const stdoutIsTTY = process.stdout.isTTY === true;
  return {
    cwd: process.cwd(),
    home: env.HOME || homedir(),
    apiUrl: (env.BASE44_API_URL || DEFAULT_API_URL).replace(/\/+$/, ''),
    apiKey: env.BASE44_API_KEY?.trim() || undefined,
    accessToken: env.BASE44_ACCESS_TOKEN?.trim() || undefined,
    appId: env.BASE44_APP_ID?.trim() || undefined,
    browser: env.BROWSER?.trim() || undefined,
    stdinIsTTY: process.stdin.isTTY === true,
    stdoutIsTTY,
    ci: Boolean(env.CI) && env.CI !== 'false' && env.CI !== '0',
    color: 'NO_COLOR' in env ? false : 'FORCE_COLOR' in env ? env.FORCE_COLOR !== '0' : stdoutIsTTY,
    platform: process.platform,
  };
}

/** No prompt, no browser, nothing that waits for a person (cli.md). */
export function isInteractive(environment: CliEnvironment, json: boolean): boolean {
  return environment.stdinIsTTY && environment.stdoutIsTTY && !environment.ci && !json;
}
