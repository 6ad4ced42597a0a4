import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { posix, win32 } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { anyText, FuzzLedger, fuzzRuns, fuzzTimeout } from '../../../server/test/support/fuzz.js';
import { type CliError, type FileProblem, InvalidFilesError } from '../../src/core/errors.js';
import { MAX_JSONC_DEPTH } from '../../src/core/jsonc.js';
import {
  MAX_CONNECTOR_FILE_BYTES,
  readConnectorFile,
  readConnectorFiles,
  writeConnectorFile,
} from '../../src/core/resources/connectors/files.js';
import {
  anyDocument,
  anyLayout,
  type DocumentEntry,
  type Position,
  pathLikeType,
  type RenderedDocument,
  renderDocument,
  validDocument,
  validScope,
  validType,
} from '../support/connector-documents.js';
import { aTempDir } from '../support/temp.js';

const SHOWN = 'base44/connectors/fuzz.jsonc';
const read = (text: string) => readConnectorFile(`/project/${SHOWN}`, SHOWN, text);
const ledger = new FuzzLedger('connector-files');
afterAll(() => ledger.write());

/** Characters a message must never carry raw: they would hide or reorder what it says. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

/** Lines as an editor counts them ("\n", "\r\n" or a lone "\r"), after a BOM. */
function linesOf(text: string): string[] {
  return (text.startsWith('\uFEFF') ? text.slice(1) : text).split(/\r\n|\r|\n/);
}

/** Every problem names this file, at a line and column inside the text, in one visible line. */
function expectWellFormedProblems(text: string, problems: FileProblem[], file = SHOWN): void {
  const lines = linesOf(text);
  for (const problem of problems) {
    expect(problem.file).toBe(file);
    expect(problem.line).toBeGreaterThanOrEqual(1);
    expect(problem.line).toBeLessThanOrEqual(lines.length);
    expect(problem.column).toBeGreaterThanOrEqual(1);
    expect(problem.column).toBeLessThanOrEqual(lines[problem.line - 1]!.length + 1);
    expect(problem.message.length).toBeGreaterThan(0);
    expect(problem.message).not.toMatch(INVISIBLE);
  }
}

/** Reading any text gives a connector file or problems, never both, never neither, never a throw. */
function expectOneOutcome(text: string): ReturnType<typeof read> {
  const result = read(text);
  if (result.file) expect(result.problems).toEqual([]);
  else expect(result.problems.length).toBeGreaterThan(0);
  expectWellFormedProblems(text, result.problems);
  return result;
}

// The oracle, written from the spec rather than from the reader. Types are case-insensitive (ASCII).
const TYPE = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
const lowerAscii = (type: string) => type.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
const READ_KEYS = ['type', 'scopes', '$schema'];

function isOneScope(scope: string): boolean {
  if (scope.length === 0) return false;
  for (let index = 0; index < scope.length; index++) {
    const code = scope.charCodeAt(index);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = scope.charCodeAt(index + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      index++;
    } else if (code >= 0xdc00 && code <= 0xdfff) return false;
    else if (code <= 0x20 || (code >= 0x7f && code <= 0x9f) || /\s/.test(scope[index]!)) return false;
    // Bidirectional embeddings, overrides and isolates reorder what terminals show.
    else if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) return false;
  }
  return true;
}

function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value !== null && typeof value === 'object')
    return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

type Expected = { file: { type: string; scopes: string[] } } | { problems: { at: Position; says: string }[] };

function expectedReading(entries: readonly DocumentEntry[], doc: RenderedDocument): Expected {
  const problems: { at: Position; says: string }[] = [];
  const firstAt = new Map<string, Position>();
  entries.forEach(({ key }, index) => {
    if (!READ_KEYS.includes(key)) return;
    const first = firstAt.get(key);
    if (!first) firstAt.set(key, doc.keyAt[index]!);
    else
      problems.push({
        at: doc.keyAt[index]!,
        says: `"${key}" is written twice (first at ${first.line}:${first.column}): keep one`,
      });
  });
  if (problems.length > 0) return { problems };

  const find = (key: string) => entries.findIndex((e) => e.key === key);
  const typeIndex = find('type');
  const type = entries[typeIndex]?.value;
  if (typeIndex < 0) problems.push({ at: doc.rootAt, says: 'missing "type"' });
  else if (typeof type !== 'string')
    problems.push({ at: doc.valueAt[typeIndex]!, says: '"type" must be a string' });
  else if (!TYPE.test(type)) problems.push({ at: doc.valueAt[typeIndex]!, says: '"type" "' });

  const scopesIndex = find('scopes');
  const scopes = scopesIndex < 0 ? [] : entries[scopesIndex]!.value;
  if (!Array.isArray(scopes))
    problems.push({ at: doc.valueAt[scopesIndex]!, says: '"scopes" must be a list of strings' });
  else
    scopes.forEach((scope: unknown, index) => {
      const at = doc.elementAt[scopesIndex]![index]!;
      if (typeof scope !== 'string' || scope === '')
        problems.push({ at, says: `"scopes"[${index}] must be a non-empty string` });
      else if (!isOneScope(scope)) problems.push({ at, says: `"scopes"[${index}] "` });
    });

  const schemaIndex = find('$schema');
  if (schemaIndex >= 0 && typeof entries[schemaIndex]!.value !== 'string')
    problems.push({ at: doc.valueAt[schemaIndex]!, says: '"$schema" must be a string' });
  if (problems.length === 0 && lowerAscii(type as string) === 'stripe' && (scopes as string[]).length > 0)
    problems.push({ at: doc.valueAt[scopesIndex]!, says: '"scopes" must be empty for stripe' });
  return problems.length > 0
    ? { problems }
    : { file: { type: lowerAscii(type as string), scopes: scopes as string[] } };
}

describe('connector files under fuzzing', () => {
  it(
    'reads any text without throwing: a connector, or problems naming the file at a line and column inside it',
    async () => {
      const text = fc.oneof(
        anyText(400),
        fc.string({ unit: 'binary', maxLength: 400 }),
        fc.uint8Array({ maxLength: 400 }).map((bytes) => new TextDecoder().decode(bytes)),
        // Near misses: valid files with a few characters changed, cut or repeated.
        fc
          .tuple(validDocument, anyLayout, fc.nat(), anyText(3), fc.nat({ max: 3 }))
          .map(([entries, layout, at, inserted, cut]) => {
            const { text } = renderDocument(entries, layout);
            const spot = at % (text.length + 1);
            return text.slice(0, spot) + inserted + text.slice(spot + cut);
          }),
        fc.constantFrom(
          '',
          '\uFEFF',
          '\uFFFE{}',
          '\u0000',
          '{',
          '}',
          '[',
          '{"type":',
          '/*',
          '//',
          '"\\u',
          '{"type": "\\ud800"}',
        ),
      );
      await ledger.check(
        'any text',
        fc.property(text, (input) => {
          expectOneOutcome(input);
        }),
        fuzzRuns(1500),
      );
    },
    fuzzTimeout(),
  );

  it(
    'reads every generated document as the spec says, each problem at the line and column of what it names',
    async () => {
      await ledger.check(
        'generated documents',
        fc.property(anyDocument, anyLayout, (entries, layout) => {
          const doc = renderDocument(entries, layout);
          const result = expectOneOutcome(doc.text);
          if (1 + Math.max(0, ...entries.map(({ value }) => depthOf(value))) > MAX_JSONC_DEPTH) {
            expect(result.problems).toHaveLength(1);
            expect(result.problems[0]!.message).toContain(`nested more than ${MAX_JSONC_DEPTH} levels deep`);
            return;
          }
          const expected = expectedReading(entries, doc);
          if ('file' in expected) {
            expect(result.file).toMatchObject(expected.file);
            return;
          }
          const found = result.problems.map(({ line, column, message }) => ({ line, column, message }));
          expect(found).toHaveLength(expected.problems.length);
          expected.problems.forEach(({ at, says }, index) => {
            expect(found[index]).toMatchObject(at);
            expect(found[index]!.message.startsWith(says), `${found[index]!.message} ≠ ${says}…`).toBe(true);
          });
        }),
        fuzzRuns(1500),
      );
    },
    fuzzTimeout(),
  );

  it(
    'reads a generated valid file back to the same type and scopes, with the type located where it is written',
    async () => {
      await ledger.check(
        'valid documents',
        fc.property(validDocument, anyLayout, (entries, layout) => {
          const doc = renderDocument(entries, layout);
          const { file, problems } = read(doc.text);
          expect(problems).toEqual([]);
          const typeIndex = entries.findIndex(({ key }) => key === 'type');
          const scopes = entries.find(({ key }) => key === 'scopes')?.value ?? [];
          expect(file).toEqual({
            path: `/project/${SHOWN}`,
            shownPath: SHOWN,
            type: entries[typeIndex]!.value,
            scopes,
            typeAt: doc.valueAt[typeIndex],
          });
        }),
        fuzzRuns(1000),
      );
    },
    fuzzTimeout(),
  );

  it(
    'accepts no type that would name a file outside the connectors folder, on POSIX or Windows',
    async () => {
      await ledger.check(
        'path-like types',
        fc.property(fc.oneof(pathLikeType, validType, anyText(12)), (type) => {
          const { file, problems } = read(JSON.stringify({ type }));
          if (!file) {
            expect(problems.map((problem) => problem.message).join('\n')).toMatch(/^"type" /);
            return;
          }
          for (const path of [posix, win32]) {
            const dir = path === posix ? '/project/base44/connectors' : 'C:\\project\\base44\\connectors';
            const target = path.join(dir, `${file.type}.jsonc`);
            expect(path.dirname(target)).toBe(dir);
            expect(path.basename(target)).toBe(`${file.type}.jsonc`);
          }
        }),
        fuzzRuns(800),
      );
    },
    fuzzTimeout(),
  );

  it(
    'refuses nesting past the limit with one problem at the bracket, instead of overflowing the stack',
    async () => {
      await ledger.check(
        'deep nesting',
        fc.property(
          fc.integer({ min: MAX_JSONC_DEPTH, max: 200_000 }),
          fc.constantFrom('[', '{"a":', '[{"b":'),
          fc.boolean(),
          (depth, opener, closed) => {
            const closer = opener === '[' ? ']' : opener === '{"a":' ? '}' : '}]';
            const body = opener.repeat(depth) + (closed ? `1${closer.repeat(depth)}` : '');
            const result = expectOneOutcome(`{"type": "slack", "x": ${body}}`);
            expect(result.problems).toHaveLength(1);
            expect(result.problems[0]!.message).toMatch(/nested more than 100 levels deep/);
          },
        ),
        fuzzRuns(60),
      );
    },
    fuzzTimeout(),
  );

  it(
    'reads any bytes from a folder: connectors, or one InvalidFilesError naming the file',
    async () => {
      const root = await aTempDir();
      let run = 0;
      const bytes = fc.oneof(
        fc.uint8Array({ maxLength: 2000 }),
        fc.tuple(validDocument, anyLayout).map(([entries, layout]) => renderDocument(entries, layout).text),
        fc
          .tuple(
            anyDocument,
            anyLayout,
            fc.constantFrom('utf16le', 'latin1', 'utf8') as fc.Arbitrary<BufferEncoding>,
          )
          .map(([entries, layout, encoding]) => Buffer.from(renderDocument(entries, layout).text, encoding)),
        fc.constant(new Uint8Array(MAX_CONNECTOR_FILE_BYTES + 1).fill(0x20)),
      );
      const name = fc
        .tuple(
          anyText(20).filter((text) => !/[/\0\ud800-\udfff]/.test(text) && Buffer.byteLength(text) < 200),
          fc.constantFrom('.json', '.jsonc'),
        )
        .map(([stem, extension]) => stem + extension);
      await ledger.check(
        'files on disk',
        fc.asyncProperty(bytes, name, async (content, fileName) => {
          const dir = `${root}/${run++}/connectors`;
          await mkdir(dir, { recursive: true });
          await writeFile(`${dir}/${fileName}`, content);
          const shown = `connectors/${fileName}`;
          try {
            const files = await readConnectorFiles(dir, (path) =>
              path.slice(dir.length - 'connectors'.length),
            );
            expect(files.map((file) => file.shownPath)).toEqual([shown]);
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidFilesError);
            const { problems, message } = error as InvalidFilesError;
            const text = Buffer.from(content).toString('utf8');
            if (content.length <= MAX_CONNECTOR_FILE_BYTES) expectWellFormedProblems(text, problems, shown);
            for (const problem of problems) {
              expect(message).toContain(`${shown}:${problem.line}:${problem.column}: ${problem.message}`);
            }
          }
        }),
        fuzzRuns(150),
      );
    },
    fuzzTimeout(),
  );

  it(
    'keeps a valid file valid, with its comment, when push rewrites its scopes',
    async () => {
      const root = await aTempDir();
      let run = 0;
      await ledger.check(
        'rewritten scopes',
        fc.asyncProperty(
          validDocument,
          anyLayout,
          fc.array(validScope, { maxLength: 6 }),
          async (entries, layout, scopes) => {
            const dir = `${root}/${run++}`;
            await mkdir(dir);
            const { text } = renderDocument(entries, { ...layout, comment: 'kept' });
            await writeFile(`${dir}/c.jsonc`, text);
            const show = (path: string) => path;
            const [before] = await readConnectorFiles(dir, show);
            await writeConnectorFile(dir, { type: before!.type, scopes }, before);
            const [after] = await readConnectorFiles(dir, show).catch((error: CliError) => {
              throw new Error(`${error.message}\n--- file was:\n${text}`);
            });
            expect(after).toMatchObject({ type: before!.type, scopes });
            expect(await readFile(`${dir}/c.jsonc`, 'utf8')).toContain('// kept');
          },
        ),
        fuzzRuns(60),
      );
    },
    fuzzTimeout(),
  );
});
