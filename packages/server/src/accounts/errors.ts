/** Failures of account operations, shared by the HTTP routes and the admin commands. */
export class AccountError extends Error {
  constructor(
    message: string,
    readonly status: 404 | 409 | 400,
  ) {
    super(message);
  }
}

export class NotFoundError extends AccountError {
  constructor(message: string) {
    super(message, 404);
  }
}

export class ConflictError extends AccountError {
  constructor(message: string) {
    super(message, 409);
  }
}
