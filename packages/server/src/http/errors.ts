import { ApiErrorCode, type OAuthErrorCode } from '@base44-connectors/contract';
import { z } from 'zod';

/** An error answered as `{message, code, extra_data}` with its status. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly code: string,
    readonly extraData?: { errors?: { name: string; message: string }[] },
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

/** An error of the OAuth endpoints, answered in RFC 6749 §5.2 form. */
export class OAuthProtocolError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: OAuthErrorCode,
    readonly description?: string,
  ) {
    super(description ?? error);
  }
}

export const unauthenticated = (
  message = 'Authentication required: log in with `base44 login` or send an API key',
) => new HttpError(401, message, ApiErrorCode.unauthenticated, undefined, { 'www-authenticate': 'Bearer' });

export const forbidden = (message: string) => new HttpError(403, message, ApiErrorCode.forbidden);

export const notFound = (message: string) => new HttpError(404, message, ApiErrorCode.notFound);

/**
 * Something this server needs cannot be reached right now (the database restarting, a provider
 * down): 503 with Retry-After, so a client knows to try again rather than to give up.
 */
export const serviceUnavailable = (message: string, code: string, retryAfterSeconds = 5) =>
  new HttpError(503, message, code, undefined, { 'retry-after': String(retryAfterSeconds) });

/** Parses input with a schema, or throws a 422 naming each field that is wrong. */
export function parseInput<T extends z.core.$ZodType>(schema: T, input: unknown, where: string): z.output<T> {
  const result = z.safeParse(schema, input ?? {});
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    name: issue.path.length > 0 ? issue.path.join('.') : where,
    message: issue.message,
  }));
  const summary = errors.map((error) => `${error.name}: ${error.message}`).join('; ');
  throw new HttpError(422, `Invalid ${where}: ${summary}`, ApiErrorCode.validation, { errors });
}
