import { randomInt } from 'node:crypto';

// RFC 8628 §6.1: consonants only, so no code spells a word and no two letters look alike.
const ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
const LENGTH = 8;

/** A user code as people see it: XXXX-XXXX. */
export function generateUserCode(): string {
  let code = '';
  for (let index = 0; index < LENGTH; index++) code += ALPHABET[randomInt(ALPHABET.length)];
  return formatUserCode(code);
}

export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * Reads a code as a person typed it: any case, with or without the dash or spaces.
 * Returns the canonical XXXX-XXXX form, or undefined when it cannot be a code.
 */
export function normalizeUserCode(input: string): string | undefined {
  const letters = input.toUpperCase().replace(/[\s-]/g, '');
  if (letters.length !== LENGTH) return undefined;
  for (const letter of letters) if (!ALPHABET.includes(letter)) return undefined;
  return formatUserCode(letters);
}
