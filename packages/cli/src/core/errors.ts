/**
 * Exit codes (README): 0 done, 1 failed, 2 invalid local files or usage, 3 dry run with changes,
 * 130 interrupted by Ctrl-C (as a shell reports a process ended by SIGINT).
 */
export const ExitCode = { ok: 0, failed: 1, invalid: 2, changesPending: 3, interrupted: 130 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Every failure the CLI reports: what went wrong, a stable code, the exit code, and what to do. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly exitCode: ExitCode = ExitCode.failed,
    readonly hints: string[] = [],
  ) {
    super(message);
  }
}

export class UsageError extends CliError {
  constructor(message: string, hints: string[] = []) {
    super(message, 'usage', ExitCode.invalid, hints);
  }
}

/** A problem in one local file, at a line and column. */
export interface FileProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export class InvalidFilesError extends CliError {
  constructor(readonly problems: FileProblem[]) {
    super(
      problems
        .map((problem) => `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`)
        .join('\n'),
      'invalid_files',
      ExitCode.invalid,
      ['Nothing was sent to the server.'],
    );
  }
}

/** The server answered with an error, in its own words. */
export class ApiError extends CliError {
  /** `extra_data.errors[]` as `name: message` lines. */
  readonly details: string[];
  /** `extra_data.reason`, when the server sent one. */
  readonly reason: string | undefined;
  /** From `Retry-After`, when the server sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly status: number,
    message: string,
    code: string,
    extra: {
      details?: string[];
      reason?: string | undefined;
      retryAfterMs?: number | undefined;
      hints?: string[];
    } = {},
  ) {
    super(message, code, ExitCode.failed, extra.hints ?? []);
    this.details = extra.details ?? [];
    this.reason = extra.reason;
    this.retryAfterMs = extra.retryAfterMs;
  }

  /** The message and each field's complaint on one line, for a connector's `Failed:` entry. */
  get oneLine(): string {
    return [this.message, ...this.details].join('; ');
  }
}

export class NotLoggedInError extends CliError {
  constructor(
    message: string,
    hints = ["Run 'base44 login', or set BASE44_API_KEY to a workspace key (b44k_…)."],
  ) {
    super(message, 'not_logged_in', ExitCode.failed, hints);
  }
}
