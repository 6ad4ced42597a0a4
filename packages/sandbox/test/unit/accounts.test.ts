import { describe, expect, it } from 'vitest';
import { parseEmail, sandboxAccount } from '../../src/accounts.js';

describe('a sandbox account', () => {
  it('is any address with something on both sides of an @, trimmed and otherwise as typed', () => {
    expect(parseEmail('  Ada.Lovelace@Example.com ')).toBe('Ada.Lovelace@Example.com');
    expect(parseEmail('"><script>@example.com')).toBe('"><script>@example.com');
    expect(parseEmail('x@y')).toBe('x@y');
  });

  it('is refused without an @, with an empty side, with spaces or control characters, or when too long', () => {
    for (const input of [
      '',
      'ada',
      '@example.com',
      'ada@',
      'ada lovelace@example.com',
      'ada@ex\u0000ample.com',
    ]) {
      expect(parseEmail(input)).toBeUndefined();
    }
    expect(parseEmail(`${'a'.repeat(250)}@x.io`)).toBeUndefined();
  });

  it('has the email as its sub and a verified email claim', async () => {
    const account = sandboxAccount('ada@example.com');

    expect(account.accountId).toBe('ada@example.com');
    expect(await account.claims('userinfo', 'openid', {}, [])).toEqual({
      sub: 'ada@example.com',
      email: 'ada@example.com',
      email_verified: true,
    });
  });
});
