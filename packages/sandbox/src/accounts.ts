import type { Account, FindAccount } from 'oidc-provider';

const MAX_EMAIL_LENGTH = 254;
const WHITESPACE_OR_CONTROL = /[\s\p{Cc}]/u;

/**
 * The sandbox has no accounts of its own: any email address is an account, and the address is its `sub`.
 * Returns the address as typed (trimmed), or undefined when it is not shaped like one.
 */
export function parseEmail(input: string): string | undefined {
  const email = input.trim();
  const at = email.lastIndexOf('@');
  if (email.length > MAX_EMAIL_LENGTH || WHITESPACE_OR_CONTROL.test(email)) return undefined;
  if (at < 1 || at === email.length - 1) return undefined;
  return email;
}

export function sandboxAccount(email: string): Account {
  return {
    accountId: email,
    claims: () => ({ sub: email, email, email_verified: true }),
  };
}

export const findAccount: FindAccount = (_ctx, id) => sandboxAccount(id);
