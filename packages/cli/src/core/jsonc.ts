import JSON5 from 'json5';
import { createScanner, type Node, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import type { FileProblem } from './errors.js';

export interface ParsedJson5 {
  root: Node | undefined;
  problems: FileProblem[];
  /** Turns an offset into the file's 1-based line and column. */
  locate(offset: number): { line: number; column: number };
  /**
   * The text uses JSON5 beyond JSON with comments (single quotes, unquoted keys, hex numbers…):
   * its tree was read from an equivalent JSON text, so it cannot be edited in place.
   */
  json5Only: boolean;
}

/**
 * Deeper than this is refused before parsing: the parser recurses once per level and would
 * overflow the stack on a file of ten thousand `[` (the files read here are a level or two deep).
 */
export const MAX_JSONC_DEPTH = 100;

/**
 * Parses a project or connector file as JSON5, as the public base44 CLI does, into a tree whose
 * nodes know where they are written. JSON with comments and trailing commas (what this CLI
 * writes and edits) is read by jsonc-parser directly; anything else JSON5 accepts is read through
 * an equivalent JSON text whose offsets are mapped back. Syntax errors are reported at line:column.
 */
export function parseJson5(file: string, text: string): ParsedJson5 {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const locate = lineLocator(source);
  const tooDeep = firstTooDeep(source);
  if (tooDeep !== undefined) {
    const message = `nested more than ${MAX_JSONC_DEPTH} levels deep: this file is read as a flat object`;
    return { root: undefined, problems: [{ file, ...locate(tooDeep), message }], locate, json5Only: false };
  }
  const errors: ParseError[] = [];
  const root = parseTree(source, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length === 0) return { root, problems: [], locate, json5Only: false };

  const json5Error = json5SyntaxError(source);
  if (!json5Error) return { root: treeOfJson5(source), problems: [], locate, json5Only: true };
  // Both refuse it. Where JSON stops at something JSON5 reads (a quote, a name, a sign) and JSON5
  // stops later, the file is written in JSON5 and only JSON5's error is the real one; otherwise
  // JSON's words say it better.
  const jsonStop = Math.min(...errors.map((error) => error.offset));
  if (json5Error.offset > jsonStop && JSON5_ONLY_START.test(source.slice(jsonStop, jsonStop + 2))) {
    return {
      root: undefined,
      problems: [{ file, ...locate(json5Error.offset), message: json5Error.message }],
      locate,
      json5Only: false,
    };
  }
  // The parser reports a cascade of errors at the spot where the text stops making sense: the first says it.
  const seen = new Set<number>();
  const problems = errors
    .filter((error) => !seen.has(error.offset) && seen.add(error.offset))
    .map((error) => ({
      file,
      ...locate(error.offset),
      message: `invalid JSON: ${describeSyntaxError(printParseErrorCode(error.error))}`,
    }));
  return { root: undefined, problems, locate, json5Only: false };
}

/** Where and why JSON5 refuses the text, if it does (its lines count "\n" only, so an offset is kept). */
function json5SyntaxError(source: string): { offset: number; message: string } | undefined {
  try {
    JSON5.parse(source);
    return undefined;
  } catch (error) {
    const { lineNumber, columnNumber, message } = error as SyntaxError & {
      lineNumber?: number;
      columnNumber?: number;
    };
    let lineStart = 0;
    for (let line = 1; line < (lineNumber ?? 1); line++) lineStart = source.indexOf('\n', lineStart) + 1;
    const words = message
      .replace(/^JSON5: /, '')
      .replace(/ at \d+:\d+$/, '')
      .replace(/^invalid /, 'unexpected ');
    return {
      offset: lineStart + (columnNumber ?? 1) - 1,
      message: `invalid JSON5: ${escapeInvisible(words)}`,
    };
  }
}

/** JSON5 quotes the character it stops at: one that is invisible or reorders text is shown escaped. */
function escapeInvisible(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu, (char) => {
    const code = char.codePointAt(0)!;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Where JSON5 reads on and JSON stops: a single quote, a name, `+`, `.5`, `0x`, `-Infinity`. */
const JSON5_ONLY_START = /^(?:['+.$_\\\p{L}]|0[xX]|-[.\p{L}])/u;

/** Strings, comments, punctuation, and the rest (identifiers, numbers, literals) of a valid JSON5 text. */
const JSON5_TOKEN =
  /\/\/[^\n\r\u2028\u2029]*|\/\*[\s\S]*?\*\/|"(?:[^"\\]|\\[\s\S])*"|'(?:[^'\\]|\\[\s\S])*'|[{}[\]:,]|[^\s{}[\]:,"'/]+/g;

/**
 * The tree of a text JSON5 accepted: each token is rewritten as JSON (values as JSON5 reads them),
 * jsonc-parser reads the result, and every node's offset and length are mapped back to the text.
 */
function treeOfJson5(source: string): Node | undefined {
  const tokens = [...source.matchAll(JSON5_TOKEN)].filter((match) => !match[0].startsWith('/'));
  const starts = new Map<number, number>();
  const ends = new Map<number, number>();
  let json = '';
  tokens.forEach((match, index) => {
    const token = match[0];
    starts.set(json.length, match.index);
    json += asJson(token, tokens[index + 1]?.[0] === ':');
    ends.set(json.length, match.index + token.length);
    json += ' ';
  });
  const root = parseTree(json, [], { allowTrailingComma: true });
  // The nodes are jsonc-parser's own, freshly made: moving them back to the text's offsets is safe.
  const mapBack = (node: { -readonly [Key in keyof Node]: Node[Key] }) => {
    const end = node.offset + node.length;
    node.offset = starts.get(node.offset) ?? node.offset;
    node.length = (ends.get(end) ?? end) - node.offset;
    for (const child of node.children ?? []) mapBack(child);
  };
  if (root) mapBack(root);
  return root;
}

/** One token of a valid JSON5 text as JSON: punctuation as it is, a key or a value as JSON5 reads it. */
function asJson(token: string, isKey: boolean): string {
  if (PUNCTUATION.includes(token)) return token;
  if (isKey) return JSON.stringify(Object.keys(JSON5.parse(`{${token}:0}`))[0]);
  // Infinity and NaN have no JSON spelling; JSON.stringify writes them as null.
  return JSON.stringify(JSON5.parse(token));
}

const PUNCTUATION = ['{', '}', '[', ']', ':', ','];

/** Lines end at "\n", "\r\n" or a lone "\r", as editors count them; columns count UTF-16 units. */
function lineLocator(source: string): ParsedJson5['locate'] {
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
