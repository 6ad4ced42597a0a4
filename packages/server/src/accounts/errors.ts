import { unsafeCharacterIn, unsafeCharacterMessage } from '@base44-connectors/contract';

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

/** A name or email holding a control or bidirectional character (contract's UNSAFE_CHARACTER). */
export class UnsafeTextError extends AccountError {
  constructor(field: string, character: string) {
    super(`The ${field} ${unsafeCharacterMessage(character)}`, 400);
  }
}

/** Refuses `text` when it holds an unsafe character: it would reach other members' terminals and pages. */
export function requireSafeText(field: string, text: string): string {
  const character = unsafeCharacterIn(text);
  if (character) throw new UnsafeTextError(field, character);
  return text;
}
