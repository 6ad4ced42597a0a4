import * as z from 'zod/mini';

/**
 * `~/.base44/auth/auth.json`, in the public CLI's format, so both CLIs share one login; `server`
 * is ours (the public CLI drops it when it rewrites the file). Keys it does not know are kept, and a
 * `name` that is not a string reads as missing: the file is the public CLI's as much as ours.
 */
export const LoginFile = z.looseObject({
  accessToken: z.string(),
  refreshToken: z.string(),
  /** Milliseconds since the epoch. */
  expiresAt: z.number(),
  email: z.string(),
  name: z.catch(z.optional(z.string()), undefined),
  /** The server that issued this login; its tokens are sent nowhere else. */
  server: z.optional(z.string()),
});
export type LoginFile = z.infer<typeof LoginFile>;

/** The `iss` claim of a JWT's payload, when it has one (read only to tell which server issued it). */
export const JwtIssuerClaim = z.object({ iss: z.string() });
