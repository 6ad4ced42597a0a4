import { cliEnvironment, type Finished, runCli } from './cli.js';

export interface CliSettings {
  /** `HOME` of the CLI: where `~/.base44/auth/auth.json` lives. */
  home: string;
  /** `BASE44_API_URL`. */
  apiUrl: string;
  /** `BASE44_API_KEY`; none when undefined. */
  apiKey?: string | undefined;
}

/**
 * Runs the built `base44` in `cwd` as a script would (no TTY, no colour), with exactly these
 * settings and no other `BASE44_*` variable, plus `extraEnv`.
 */
export function base44(
  settings: CliSettings,
  cwd: string,
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<Finished & { ms: number }> {
  const started = Date.now();
  const env = cliEnvironment({
    HOME: settings.home,
    ...(settings.apiUrl ? { BASE44_API_URL: settings.apiUrl } : {}),
    ...(settings.apiKey ? { BASE44_API_KEY: settings.apiKey } : {}),
    NO_COLOR: '1',
    ...extraEnv,
  });
  return runCli(args, { cwd, env, timeoutMs: 30_000 }).then((finished) => ({
    ...finished,
    ms: Date.now() - started,
  }));
}
