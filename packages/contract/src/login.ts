import * as z from 'zod/mini';

/** The public CLI identifies itself with this client id; it is the only device-flow client. */
export const CLI_CLIENT_ID = 'base44_cli';
export const CLI_SCOPE = 'apps:read apps:write sandbox:write';
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

export const DeviceCodeRequest = z.object({
  client_id: z.string().check(z.minLength(1)),
  scope: z.optional(z.string()),
});

// The responses below are what a client accepts: the Base44 cloud's answers as well as ours (ours
// always carry `verification_uri_complete`, `token_type: "Bearer"`, `scope` and a non-empty name).

export const DeviceCodeResponse = z.object({
  device_code: z.string().check(z.minLength(1)),
  user_code: z.string().check(z.minLength(1)),
  verification_uri: z.url(),
  verification_uri_complete: z.optional(z.url()),
  expires_in: z.number().check(z.int(), z.positive()),
  interval: z.number().check(z.int(), z.positive()),
});
export type DeviceCodeResponse = z.infer<typeof DeviceCodeResponse>;

export const DeviceCodeTokenRequest = z.object({
  grant_type: z.literal(DEVICE_CODE_GRANT_TYPE),
  device_code: z.string().check(z.minLength(1)),
  client_id: z.string().check(z.minLength(1)),
});

export const RefreshTokenRequest = z.object({
  grant_type: z.literal('refresh_token'),
  refresh_token: z.string().check(z.minLength(1)),
  client_id: z.string().check(z.minLength(1)),
});

export const TokenRequest = z.discriminatedUnion('grant_type', [DeviceCodeTokenRequest, RefreshTokenRequest]);
export type TokenRequest = z.infer<typeof TokenRequest>;

export const TokenResponse = z.object({
  access_token: z.string().check(z.minLength(1)),
  token_type: z.string().check(z.minLength(1)),
  expires_in: z.number().check(z.int(), z.positive()),
  refresh_token: z.string().check(z.minLength(1)),
  scope: z.optional(z.string()),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

export const UserInfoResponse = z.object({
  email: z.email(),
  name: z.string(),
});
export type UserInfoResponse = z.infer<typeof UserInfoResponse>;

/** RFC 6749 §5.2 and RFC 8628 §3.5 error codes the token endpoint answers with. */
export const OAuthErrorCode = z.enum([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unsupported_grant_type',
  'invalid_scope',
  'authorization_pending',
  'slow_down',
  'access_denied',
  'expired_token',
  'invalid_token',
  'server_error',
]);
export type OAuthErrorCode = z.infer<typeof OAuthErrorCode>;

export const OAuthErrorBody = z.object({
  error: OAuthErrorCode,
  error_description: z.optional(z.string()),
});
export type OAuthErrorBody = z.infer<typeof OAuthErrorBody>;
