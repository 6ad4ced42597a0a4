import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidFilesError } from '../../src/core/errors.js';
import {
  MAX_CONNECTOR_FILE_BYTES,
  readConnectorFile,
  readConnectorFiles,
} from '../../src/core/resources/connectors/files.js';
import { aTempDir } from '../support/temp.js';

// Inputs the fuzzing run (test/fuzz/connector-files.test.ts) found or probes, each pinned as an example.

/** Every problem reading `text` finds, as `line:column: message`. */
function problems(text: string): string[] {
  const read = readConnectorFile('/p/c/slack.jsonc', 'c/slack.jsonc', text);
  expect(read.file).toBeUndefined();
  return read.problems.map((problem) => `${problem.line}:${problem.column}: ${problem.message}`);
}

describe('connector files: odd input', () => {
  it('refuses a key written twice, since parsers disagree on which one counts', () => {
    expect(problems('{\n  "type": "slack",\n  "type": "notion"\n}')).toEqual([
      '3:3: "type" is written twice (first at 2:3): keep one',
    ]);
    expect(problems('{"type": "slack", "scopes": [], "scopes": ["a"]}')).toEqual([
      '1:33: "scopes" is written twice (first at 1:19): keep one',
    ]);
  });

  it('refuses a "$schema" that is not a string, as editors would', () => {
    expect(problems('{"type": "slack", "$schema": 5}')).toEqual([
      '1:30: "$schema" must be a string (where editors find the schema)',
    ]);
  });

  it('refuses a scope with a space (the provider would read two scopes), a control character or broken Unicode', () => {
    const why = 'must be one scope, without spaces or control characters (one scope per string)';
    expect(problems('{"type": "slack", "scopes": ["chat:write channels:read"]}')).toEqual([
      `1:30: "scopes"[0] "chat:write channels:read" ${why}`,
    ]);
    expect(problems('{"type": "slack", "scopes": ["a\\u0000b", "\\ud800"]}')).toEqual([
      `1:30: "scopes"[0] "a\\u0000b" ${why}`,
      `1:42: "scopes"[1] "\\ud800" ${why}`,
    ]);
  });

  it('shows bidirectional and invisible characters of a bad type escaped, and long values cut', () => {
    expect(problems('{"type": "abc\u202Edef\u200B"}')).toEqual([
      '1:10: "type" "abc\\u202edef\\u200b" must be letters, digits, "_" or "-"',
    ]);
    const [long] = problems(`{"type": "${'X'.repeat(5000)}"}`);
    expect(long).toBe(`1:10: "type" "${'X'.repeat(80)}…" must be letters, digits, "_" or "-"`);
  });

  it('refuses nesting a hundred levels deep with one problem, where it goes too deep', () => {
    expect(problems(`{"type": "slack", "x": ${'['.repeat(100_000)}`)).toEqual([
      '1:123: nested more than 100 levels deep: this file is read as a flat object',
    ]);
  });

  it('counts a lone carriage return as a line break, as editors do', () => {
    expect(problems('{\r  "type": 5\r}')).toEqual(['2:11: "type" must be a string']);
  });

  it('refuses a file over 1 MiB without reading it, naming the file', async () => {
    const dir = await aTempDir();
    await writeFile(join(dir, 'big.jsonc'), ' '.repeat(MAX_CONNECTOR_FILE_BYTES + 1));
    const error = await readConnectorFiles(dir, (path) => path.slice(dir.length + 1)).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidFilesError);
    expect(error.message).toBe('big.jsonc:1:1: is 1048577 bytes: a connector file is at most 1048576 bytes');
  });
});
