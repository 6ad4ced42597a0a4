import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STRIPE_TYPE } from '@base44-connectors/contract';
import { describe, expect, it } from 'vitest';
import type { InvalidFilesError } from '../../src/core/errors.js';
import {
  type ConnectorFile,
  checkTypesOffered,
  readConnectorFile,
  readConnectorFiles,
  writeConnectorFile,
} from '../../src/core/resources/connectors/files.js';
import { aTempDir, writeFiles } from '../support/temp.js';

// The public CLI's conventions for connector files: JSON5, case-insensitive types, stripe.

const read = (text: string, shown = 'connectors/slack.jsonc') =>
  readConnectorFile(`/project/${shown}`, shown, text);

/** Every problem reading `text` finds, as `line:column: message`. */
function problems(text: string): string[] {
  const result = read(text);
  expect(result.file).toBeUndefined();
  return result.problems.map((problem) => `${problem.line}:${problem.column}: ${problem.message}`);
}

describe('connector files in JSON5', () => {
  it('reads unquoted keys, single quotes, comments and trailing commas, the type located where it is written', () => {
    const { file, problems } = read(
      "// JSON5\n{\n  type: 'slack',\n  scopes: ['chat:write', \"channels:read\",],\n}\n",
    );
    expect(problems).toEqual([]);
    expect(file).toMatchObject({
      type: 'slack',
      scopes: ['chat:write', 'channels:read'],
      typeAt: { line: 3, column: 9 },
    });
  });

  it('names problems of a JSON5 file where they are written', () => {
    expect(problems("{\n  type: 'slack',\n  scopes: ['a', 7, 'b c'],\n}")).toEqual([
      '3:17: "scopes"[1] must be a non-empty string',
      '3:20: "scopes"[2] "b c" must be one scope, without spaces or control characters (one scope per string)',
    ]);
    expect(problems("{type: 'slack', 'type': 'notion'}")).toEqual([
      '1:17: "type" is written twice (first at 1:2): keep one',
    ]);
    expect(problems('{type: 0x10}')).toEqual(['1:8: "type" must be a string']);
  });

  it('names a JSON5 syntax error at its line and column, with what is wrong', () => {
    expect(problems("{\n  type: 'slack'\n  scopes: []\n}")).toEqual([
      "3:3: invalid JSON5: unexpected character 's'",
    ]);
    expect(problems("{type: 'slack', scopes: ['a' 'b']}")).toEqual([
      "1:30: invalid JSON5: unexpected character '\\''",
    ]);
  });

  it('keeps the JSON words for a file that is broken before anything JSON5 would read', () => {
    expect(problems('{\n  "type": "slack"\n  "scopes": []\n}\n')).toEqual([
      '3:3: invalid JSON: expected ","',
    ]);
  });

  it('writes a JSON5-only file anew as JSON when its scopes change, keeping $schema', async () => {
    const dir = await aTempDir();
    await writeFiles(dir, {
      'slack.jsonc': "{ $schema: 'https://example.test/s.json', type: 'slack', scopes: ['a'] }",
    });
    const [before] = await readConnectorFiles(dir, (path) => path);
    expect(await writeConnectorFile(dir, { type: 'slack', scopes: ['a', 'b'] }, before)).toBe('written');
    expect(JSON.parse(await readFile(join(dir, 'slack.jsonc'), 'utf8'))).toEqual({
      $schema: 'https://example.test/s.json',
      type: 'slack',
      scopes: ['a', 'b'],
    });
  });

  it('leaves a JSON5-only file untouched when its scopes are already right', async () => {
    const dir = await aTempDir();
    const text = "{ type: 'slack', scopes: ['a'] } // mine";
    await writeFiles(dir, { 'slack.jsonc': text });
    const [before] = await readConnectorFiles(dir, (path) => path);
    expect(await writeConnectorFile(dir, { type: 'slack', scopes: ['a'] }, before)).toBe('unchanged');
    expect(await readFile(join(dir, 'slack.jsonc'), 'utf8')).toBe(text);
  });
});

describe('connector types are case-insensitive', () => {
  it('reads "type": "Slack" as the slack connector', () => {
    expect(read('{"type": "Slack", "scopes": ["a"]}').file).toMatchObject({ type: 'slack', scopes: ['a'] });
  });

  it('counts "Slack" and "slack" in two files as the same type', async () => {
    const root = await aTempDir();
    await writeFiles(join(root, 'connectors'), {
      'a.jsonc': '{"type": "Slack"}',
      'b.jsonc': '{"type": "slack"}',
    });
    const error = await readConnectorFiles(join(root, 'connectors'), (path) =>
      path.slice(root.length + 1),
    ).catch((thrown: unknown) => thrown);
    expect((error as InvalidFilesError).message).toBe(
      'connectors/b.jsonc:1:10: type "slack" is also the type of connectors/a.jsonc: one file per connector',
    );
  });

  it('folds only ASCII letters: a look-alike letter is still refused', () => {
    expect(problems('{"type": "\u212Aafka"}')).toEqual([
      '1:10: "type" "\u212Aafka" must be letters, digits, "_" or "-"',
    ]);
  });

  it('keeps "Slack" as written when pull changes only the scopes', async () => {
    const dir = await aTempDir();
    await writeFiles(dir, { 'slack.jsonc': '// mine\n{"type": "Slack", "scopes": ["a"]}\n' });
    const [before] = await readConnectorFiles(dir, (path) => path);
    await writeConnectorFile(dir, { type: 'slack', scopes: ['b'] }, before);
    const text = await readFile(join(dir, 'slack.jsonc'), 'utf8');
    expect(text).toContain('// mine');
    expect(text).toContain('"type": "Slack"');
    expect(read(text).file?.scopes).toEqual(['b']);
  });
});

describe('stripe', () => {
  const aFile = (type: string): ConnectorFile => ({
    path: `/project/connectors/${type}.jsonc`,
    shownPath: `connectors/${type}.jsonc`,
    type,
    scopes: [],
    typeAt: { line: 1, column: 10 },
  });

  it('is a valid type though servers do not list it among the available integrations', () => {
    expect(STRIPE_TYPE).toBe('stripe');
    expect(read('{"type": "stripe"}').file).toMatchObject({ type: 'stripe', scopes: [] });
    expect(() => checkTypesOffered([aFile('stripe')], ['slack', 'notion'])).not.toThrow();
  });

  it('is suggested for a near miss', () => {
    expect(() => checkTypesOffered([aFile('strpe')], ['slack'])).toThrow(
      'connectors/strpe.jsonc:1:10: unknown connector type "strpe" (did you mean "stripe"?)',
    );
  });

  it('refuses scopes on stripe where they are written: it is connected without OAuth scopes', () => {
    expect(problems('{\n  "type": "Stripe",\n  "scopes": ["read_write"]\n}')).toEqual([
      '3:13: "scopes" must be empty for stripe: it is connected without OAuth scopes',
    ]);
    expect(read('{"type": "stripe", "scopes": []}').problems).toEqual([]);
  });
});
