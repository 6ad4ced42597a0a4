import * as z from 'zod/mini';

/**
 * Characters no string this project stores or shows may hold: the C0 controls (ESC, NUL, newline…),
 * DEL, the C1 controls, and the bidirectional embeddings, overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069), which reorder what a terminal or a page shows. Stored text reaches other people's
 * terminals and pages; refused where it enters, it never has to be escaped everywhere it goes out.
 */
export const UNSAFE_CHARACTER = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

/** The first unsafe character of `text` as `U+001B`, or undefined when it has none. */
export function unsafeCharacterIn(text: string): string | undefined {
  const found = UNSAFE_CHARACTER.exec(text);
  if (!found) return undefined;
  return `U+${found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** What an input holding `character` (`U+001B`) is told. */
export function unsafeCharacterMessage(character: string): string {
  return `has a control or bidirectional character (${character}): no field accepts one`;
}

/** A string without control or bidirectional characters. */
export const SafeText = z.string().check(
  z.refine((text) => !UNSAFE_CHARACTER.test(text), {
    message: 'has a control or bidirectional character: no field accepts one',
  }),
);
