/** Exit codes (README): 0 done, 1 failed, 2 invalid local files or usage, 3 dry run with changes. */
export const ExitCode = { ok: 0, failed: 1, invalid: 2, changesPending: 3 } as const;
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

/** The server answered with an error. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    message: string,
    code: string,
    hints: string[] = [],
  ) {
    super(message, code, ExitCode.failed, hints);
  }
}

export class NotLoggedInError extends CliError {
  constructor(message: string) {
    super(message, 'not_logged_in', ExitCode.failed, [
      "Run 'base44 login', or set BASE44_API_KEY to a workspace key (b44k_…).",
    ]);
  }
}
