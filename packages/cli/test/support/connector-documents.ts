import fc from 'fast-check';
import { anyText } from '../../../server/test/support/fuzz.js';

/**
 * Generated connector files for property tests: a document is a list of top-level entries (keys
 * may repeat), laid out in one of many ways, and rendered to text while recording the line and
 * column of every key, value and list element, as an editor would show them.
 */
export interface DocumentEntry {
  key: string;
  value: unknown;
}

export interface Layout {
  bom: boolean;
  eol: '\n' | '\r\n' | '\r';
  indent: string;
  comment: string | undefined;
  trailingComma: boolean;
}

export interface Position {
  line: number;
  column: number;
}

export interface RenderedDocument {
  text: string;
  rootAt: Position;
  keyAt: Position[];
  valueAt: Position[];
  /** For an entry whose value is a list: where each of its elements starts. */
  elementAt: (Position[] | undefined)[];
}

/** Appends text and knows the line and column it has reached (a BOM is not counted). */
class Writer {
  text = '';
  private line = 1;
  private column = 1;

  get at(): Position {
    return { line: this.line, column: this.column };
  }

  write(part: string): this {
    for (let index = 0; index < part.length; index++) {
      const char = part[index];
      if (char === '\n' || (char === '\r' && part[index + 1] !== '\n')) {
        this.line++;
        this.column = 1;
      } else if (char !== '\r') this.column++;
    }
    this.text += part;
    return this;
  }
}

export function renderDocument(entries: readonly DocumentEntry[], layout: Layout): RenderedDocument {
  const out = new Writer();
  if (layout.comment !== undefined) out.write(`// ${layout.comment}${layout.eol}`);
  const rootAt = out.at;
  out.write(`{${layout.eol}`);
  const keyAt: Position[] = [];
  const valueAt: Position[] = [];
  const elementAt: (Position[] | undefined)[] = [];
  entries.forEach(({ key, value }, index) => {
    out.write(layout.indent);
    keyAt.push(out.at);
    out.write(`${JSON.stringify(key)}: `);
    valueAt.push(out.at);
    if (Array.isArray(value)) {
      const elements: Position[] = [];
      out.write('[');
      value.forEach((element, at) => {
        if (at > 0) out.write(', ');
        elements.push(out.at);
        out.write(JSON.stringify(element));
      });
      out.write(']');
      elementAt.push(elements);
    } else {
      out.write(JSON.stringify(value));
      elementAt.push(undefined);
    }
    const last = index === entries.length - 1;
    out.write(`${!last || layout.trailingComma ? ',' : ''}${layout.eol}`);
  });
  out.write(`}${layout.eol}`);
  return { text: (layout.bom ? '\uFEFF' : '') + out.text, rootAt, keyAt, valueAt, elementAt };
}

/** What the spec allows as a connector type. */
export const validType = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,63}$/);

/** Types that look like paths, devices or lookalikes: never a file name outside the folder. */
export const pathLikeType = fc.constantFrom(
  '../x',
  'a/b',
  '..',
  '.',
  '/etc/passwd',
  'a\\b',
  'C:\\x',
  'x/../../y',
  '%2e%2e%2fx',
  '~',
  'CON',
  'con',
  'nul',
  'com1',
  'slack\u0000',
  'sl\u200back',
  '\u0455lack',
  'SLACK',
  ' slack',
  'slack ',
  'a'.repeat(65),
  '',
);

export const validScope = fc.stringMatching(/^[a-z][a-z0-9.:/_-]{0,30}$/);

const anyScope = fc.oneof(
  { arbitrary: validScope, weight: 4 },
  { arbitrary: anyText(20), weight: 2 },
  {
    arbitrary: fc.constantFrom('chat:write channels:read', 'https://www.googleapis.com/auth/calendar', ''),
    weight: 1,
  },
  { arbitrary: fc.jsonValue({ maxDepth: 1 }), weight: 1 },
);

/** Lists nested `depth` deep: `[[[]]]`. */
const nestedLists = fc.integer({ min: 0, max: 160 }).map((depth) => {
  let value: unknown = [];
  for (let level = 1; level < depth; level++) value = [value];
  return value;
});

const anyValue = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 6 },
  { arbitrary: nestedLists, weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 200_000 }).map((length) => 'x'.repeat(length)), weight: 1 },
);

const entry = (key: string, value: fc.Arbitrary<unknown>) => value.map((v) => ({ key, value: v }));

/** A document near a connector file: maybe a type and scopes of any kind, maybe more keys, in any order. */
export const anyDocument: fc.Arbitrary<DocumentEntry[]> = fc
  .tuple(
    fc.option(entry('type', fc.oneof(validType, validType, pathLikeType, anyText(), fc.jsonValue())), {
      freq: 8,
    }),
    fc.option(entry('scopes', fc.oneof(fc.array(anyScope, { maxLength: 6 }), fc.jsonValue())), { freq: 3 }),
    fc.option(entry('$schema', fc.oneof(fc.webUrl(), fc.jsonValue({ maxDepth: 1 }))), { freq: 2 }),
    fc.array(
      fc.record({
        key: fc.oneof(anyText(10), fc.constantFrom('type', 'scopes', '$schema', '__proto__', 'constructor')),
        value: anyValue,
      }),
      { maxLength: 3 },
    ),
  )
  .chain(([type, scopes, schema, extra]) => {
    const entries = [type, scopes, schema, ...extra].filter((e): e is DocumentEntry => e !== null);
    return fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length });
  });

/** A connector file the reader must accept, as entries. */
export const validDocument = fc
  .record({
    type: validType,
    scopes: fc.option(fc.array(validScope, { maxLength: 8 }), { nil: undefined }),
    extra: fc.option(fc.jsonValue({ maxDepth: 4 }), { nil: undefined }),
  })
  .chain(({ type, scopes, extra }) => {
    const entries: DocumentEntry[] = [{ key: 'type', value: type }];
    if (scopes) entries.push({ key: 'scopes', value: scopes });
    if (extra !== undefined) entries.push({ key: 'description', value: extra });
    return fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length });
  });

/** Any of the layouts people write: BOM or not, LF/CRLF/CR, any indent, a comment (odd characters too), trailing commas. */
export const anyLayout: fc.Arbitrary<Layout> = fc.record({
  bom: fc.boolean(),
  eol: fc.constantFrom('\n' as const, '\r\n' as const, '\r' as const),
  indent: fc.constantFrom('', '  ', '\t', '    '),
  comment: fc.option(
    anyText(30).map((text) => text.replace(/[\r\n]/g, ' ')),
    { nil: undefined },
  ),
  trailingComma: fc.boolean(),
});
