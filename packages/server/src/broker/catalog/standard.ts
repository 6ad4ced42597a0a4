/** Where RFC 6749 §5.1 puts each value of a token response; most providers follow it. */
export const STANDARD_TOKEN_RESPONSE = {
  accessToken: 'access_token',
  refreshToken: 'refresh_token',
  expiresIn: 'expires_in',
  scope: 'scope',
} as const;
