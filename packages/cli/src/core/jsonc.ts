import { type Node, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import type { FileProblem } from './errors.js';

export interface ParsedJsonc {
  root: Node | undefined;
  problems: FileProblem[];
  /** Turns an offset into the file's 1-based line and column. */
  locate(offset: number): { line: number; column: number };
}

/** Parses JSON with comments and trailing commas, reporting syntax errors at line:column. */
export function parseJsonc(file: string, text: string): ParsedJsonc {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lineStarts = [0];
  for (let index = 0; index < source.length; index++) if (source[index] === '\n') lineStarts.push(index + 1);
  const locate = (offset: number) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (lineStarts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - lineStarts[low]! + 1 };
  };
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
