// Which extensions [ext] of spec/api.md a server serves: base44-server names them in a header of
// every response, so a client decides from what the server says, never from error text. The
// Base44 cloud sends no such header: a server without it has none of them.

/** The response header listing the extensions a server serves, `plan, apply, status-wait`. */
export const EXTENSIONS_HEADER = 'x-base44-extensions';

/**
 * The extensions base44-server serves: `plan` is `POST external-auth/plan`, `apply` is
 * `POST external-auth/apply`, `status-wait` is the `wait` long-poll of `GET external-auth/status`.
 */
export const SERVER_EXTENSIONS = ['plan', 'apply', 'status-wait'] as const;
export type ServerExtension = (typeof SERVER_EXTENSIONS)[number];

/** The header's value for these extensions: the tokens separated by a comma and a space. */
export function formatExtensionsHeader(extensions: readonly string[]): string {
  return extensions.join(', ');
}

/** The tokens of an `x-base44-extensions` value, lower-cased; an absent or empty header names none. */
export function parseExtensionsHeader(value: string | null | undefined): Set<string> {
  const tokens = (value ?? '').split(',').map((token) => token.trim().toLowerCase());
  return new Set(tokens.filter((token) => token !== ''));
}
