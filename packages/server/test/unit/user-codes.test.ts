import { describe, expect, it } from 'vitest';
import { generateUserCode, normalizeUserCode } from '../../src/auth/user-codes.js';

describe('user codes', () => {
  it('are eight RFC 8628 §6.1 consonants shown as XXXX-XXXX', () => {
    for (let index = 0; index < 200; index++) {
      expect(generateUserCode()).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    }
  });

  it('read the way people type them: any case, with or without dash or spaces', () => {
    expect(normalizeUserCode('bcdf-ghjk')).toBe('BCDF-GHJK');
    expect(normalizeUserCode('BCDFGHJK')).toBe('BCDF-GHJK');
    expect(normalizeUserCode(' bcdf ghjk ')).toBe('BCDF-GHJK');
  });

  it('reject anything that cannot be a code', () => {
    for (const input of ['', 'BCDF-GHJ', 'BCDF-GHJKL', 'ABCD-EFGH', '1234-5678', 'BCDF_GHJK']) {
      expect(normalizeUserCode(input), input).toBeUndefined();
    }
  });
});
