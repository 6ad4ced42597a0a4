import type { CliEnvironment } from '../../src/core/environment.js';

/** A plain CliEnvironment for tests: non-interactive, no credentials, nothing read from this process. */
export function aCliEnvironment(overrides: Partial<CliEnvironment> = {}): CliEnvironment {
  return {
    cwd: '/nonexistent',
    home: '/nonexistent-home',
    apiUrl: 'http://127.0.0.1:9',
    apiUrlFrom: 'environment',
    apiKey: undefined,
    accessToken: undefined,
    appId: undefined,
    browser: undefined,
    stdinIsTTY: false,
    stdoutIsTTY: false,
    ci: false,
    color: false,
    requestTimeoutMs: undefined,
    ...overrides,
  };
}
