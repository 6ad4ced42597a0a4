/**
 * Connector types are case-insensitive, as in the public CLI: `Slack` is the `slack` connector.
 * Only ASCII letters are folded, so no other character (such as the Kelvin sign) becomes a letter.
 */
export function normaliseType(type: string): string {
  return type.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}
