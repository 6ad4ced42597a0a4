import * as z from 'zod/mini';

/** The error body of every non-OAuth endpoint (spec/api.md, "Conventions"). */
export const ApiErrorBody = z.object({
  message: z.string(),
  code: z.optional(z.string()),
  extra_data: z.optional(
    z.object({
      errors: z.optional(z.array(z.object({ name: z.string(), message: z.string() }))),
    }),
  ),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/** Codes the server puts in `ApiErrorBody.code`, so clients can branch without parsing messages. */
export const ApiErrorCode = {
  badRequest: 'bad_request',
  validation: 'validation_failed',
  unauthenticated: 'unauthenticated',
  tokenExpired: 'token_expired',
  forbidden: 'forbidden',
  notFound: 'not_found',
  conflict: 'conflict',
  payloadTooLarge: 'payload_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  rateLimited: 'rate_limited',
  notImplemented: 'not_implemented',
  internal: 'internal_error',
} as const;
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];

/**
 * An error body as a client reads it from any server: ours (`message`, `code`), the Base44
 * cloud's (`message` or `detail`, a string or any JSON value, with `extra_data.reason` and
 * `extra_data.errors`), or an OAuth endpoint's (`error`, `error_description`). Each part is
 * optional and a misfit part is dropped, never fatal.
 */
export const ReceivedErrorBody = z.object({
  error: z.catch(z.optional(z.string()), undefined),
  error_description: z.catch(z.optional(z.string()), undefined),
  message: z.optional(z.unknown()),
  detail: z.optional(z.unknown()),
  code: z.catch(z.optional(z.string()), undefined),
  extra_data: z.catch(
    z.optional(
      z.nullable(
        z.object({
          reason: z.catch(z.optional(z.string()), undefined),
          errors: z.catch(
            z.optional(z.array(z.object({ name: z.string(), message: z.string() }))),
            undefined,
          ),
        }),
      ),
    ),
    undefined,
  ),
});
export type ReceivedErrorBody = z.infer<typeof ReceivedErrorBody>;
