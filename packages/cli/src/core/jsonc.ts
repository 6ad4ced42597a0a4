import { createScanner, type Node, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import type { FileProblem } from './errors.js';

export interface ParsedJsonc {
  root: Node | undefined;
  problems: FileProblem[];
  /** Turns an offset into the file's 1-based line and column. */
  locate(offset: number): { line: number; column: number };
}

/**
 * Deeper than this is refused before parsing: the parser recurses once per level and would
 * overflow the stack on a file of ten thousand `[` (the files read here are a level or two deep).
 */
export const MAX_JSONC_DEPTH = 100;

/** Parses JSON with comments and trailing commas, reporting syntax errors at line:column. */
export function parseJsonc(file: string, text: string): ParsedJsonc {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const locate = lineLocator(source);
  const tooDeep = firstTooDeep(source);
  if (tooDeep !== undefined) {
    const message = `nested more than ${MAX_JSONC_DEPTH} levels deep: this file is read as a flat object`;
    return { root: undefined, problems: [{ file, ...locate(tooDeep), message }], locate };
  }
  const errors: ParseError[] = [];
  const root = parseTree(source, errors, { allowTrailingComma: true, disallowComments: false });
  // The parser reports a cascade of errors at the spot where the text stops making sense: the first says it.
  const seen = new Set<number>();
  const problems = errors
    .filter((error) => !seen.has(error.offset) && seen.add(error.offset))
    .map((error) => ({
      file,
      ...locate(error.offset),
      message: `invalid JSON: ${describeSyntaxError(printParseErrorCode(error.error))}`,
    }));
  return { root, problems, locate };
}

/** Lines end at "\n", "\r\n" or a lone "\r", as editors count them; columns count UTF-16 units. */
function lineLocator(source: string): ParsedJsonc['locate'] {
  const lineStarts = [0];
  for (let index = 0; index < source.length; index++) {
    const char = source[index];
    if (char === '\n' || (char === '\r' && source[index + 1] !== '\n')) lineStarts.push(index + 1);
  }
  return (offset) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (lineStarts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - lineStarts[low]! + 1 };
  };
}

// jsonc-parser's SyntaxKind is a const enum, which isolated modules cannot import.
const OPEN_BRACE = 1;
const CLOSE_BRACE = 2;
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const EOF = 17;

/** The offset of the first `{` or `[` nested deeper than MAX_JSONC_DEPTH, if any (strings and comments skipped). */
function firstTooDeep(source: string): number | undefined {
  const scanner = createScanner(source, true);
  let depth = 0;
  for (let token = scanner.scan(); token !== EOF; token = scanner.scan()) {
    if (token === OPEN_BRACE || token === OPEN_BRACKET) {
      depth++;
      if (depth > MAX_JSONC_DEPTH) return scanner.getTokenOffset();
    } else if ((token === CLOSE_BRACE || token === CLOSE_BRACKET) && depth > 0) depth--;
  }
  return undefined;
}

function describeSyntaxError(code: string): string {
  const words: Record<string, string> = {
    InvalidSymbol: 'unexpected character',
    InvalidNumberFormat: 'malformed number',
    PropertyNameExpected: 'expected a property name in double quotes',
    ValueExpected: 'expected a value',
    ColonExpected: 'expected ":"',
    CommaExpected: 'expected ","',
    CloseBraceExpected: 'expected "}"',
    CloseBracketExpected: 'expected "]"',
    EndOfFileExpected: 'unexpected content after the end',
    InvalidCommentToken: 'malformed comment',
    UnexpectedEndOfComment: 'unterminated comment',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unterminated number',
    InvalidUnicode: 'invalid unicode escape',
    InvalidEscapeCharacter: 'invalid escape',
    InvalidCharacter: 'invalid character in a string',
  };
  return words[code] ?? code;
}
