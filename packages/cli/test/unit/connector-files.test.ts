import { mkdir, readdir, readFile, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError, ExitCode, InvalidFilesError } from '../../src/core/errors.js';
import {
  type ConnectorFile,
  checkTypesOffered,
  readConnectorFile,
  readConnectorFiles,
  writeConnectorFile,
} from '../../src/core/resources/connectors/files.js';
import { aTempDir, connectorJson, writeFiles } from '../support/temp.js';

const read = (text: string, shown = 'connectors/slack.jsonc') =>
  readConnectorFile(`/project/${shown}`, shown, text);

/** The one problem reading `text` finds, as `file:line:column: message`. */
function onlyProblem(text: string, shown = 'connectors/slack.jsonc'): string {
  const { file, problems } = read(text, shown);
  expect(file).toBeUndefined();
  expect(problems).toHaveLength(1);
  const [problem] = problems;
  return `${problem!.file}:${problem!.line}:${problem!.column}: ${problem!.message}`;
}

/** The first problem reading `text` finds (a syntax error can cause more after it). */
function firstProblem(text: string, shown = 'connectors/slack.jsonc'): string {
  const { file, problems } = read(text, shown);
  expect(file).toBeUndefined();
  const [problem] = problems;
  return `${problem!.file}:${problem!.line}:${problem!.column}: ${problem!.message}`;
}

/** What `action` throws, checked to be an InvalidFilesError. */
async function invalidFiles(action: () => unknown): Promise<InvalidFilesError> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidFilesError);
    return error as InvalidFilesError;
  }
  throw new Error('expected an InvalidFilesError, nothing was thrown');
}

describe('readConnectorFile: one file', () => {
  it('reads type and scopes of a valid file, and where its type is written', () => {
    const { file, problems } = read(
      '{\n  "type": "slack",\n  "scopes": ["chat:write", "channels:read"]\n}\n',
    );
    expect(problems).toEqual([]);
    expect(file).toEqual({
      path: '/project/connectors/slack.jsonc',
      shownPath: 'connectors/slack.jsonc',
      type: 'slack',
      scopes: ['chat:write', 'channels:read'],
      typeAt: { line: 2, column: 11 },
    });
  });

  it('accepts comments, trailing commas and a byte-order mark', () => {
    const text =
      '\uFEFF// Slack for the team\n{\n  /* the type */ "type": "slack",\n  "scopes": ["chat:write",],\n}\n';
    const { file, problems } = read(text);
    expect(problems).toEqual([]);
    expect(file).toMatchObject({ type: 'slack', scopes: ['chat:write'], typeAt: { line: 3, column: 26 } });
  });

  it('defaults scopes to an empty list when the file has none', () => {
    expect(read('{"type": "notion"}').file).toMatchObject({ type: 'notion', scopes: [] });
  });

  it('reports invalid JSON at the line and column where it breaks', () => {
    expect(onlyProblem('{\n  "type": "slack"\n  "scopes": []\n}\n')).toBe(
      'connectors/slack.jsonc:3:3: invalid JSON: expected ","',
    );
  });

  it('reports an unterminated string as invalid JSON', () => {
    expect(firstProblem('{"type": "slack}')).toBe(
      'connectors/slack.jsonc:1:10: invalid JSON: unterminated string',
    );
  });

  it('counts lines and columns after a byte-order mark as an editor shows them', () => {
    expect(firstProblem('\uFEFF{\n  "type": slack\n}')).toBe(
      'connectors/slack.jsonc:2:11: invalid JSON: unexpected character',
    );
  });

  it('refuses a file that is not a JSON object, where its value starts', () => {
    expect(onlyProblem('// a list is not a connector\n["slack"]\n')).toBe(
      'connectors/slack.jsonc:2:1: must be a JSON object like {"type": "slack", "scopes": []}',
    );
    expect(onlyProblem('"slack"')).toMatch(/:1:1: must be a JSON object/);
  });

  it('refuses an empty file', () => {
    const { file, problems } = read('');
    expect(file).toBeUndefined();
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({ file: 'connectors/slack.jsonc', line: 1, column: 1 });
  });

  it('names a missing "type", at the object', () => {
    expect(onlyProblem('\n{"scopes": []}')).toBe(
      'connectors/slack.jsonc:2:1: missing "type" (the connector type, e.g. "slack")',
    );
  });

  it('names a "type" that is not a string, where it is written', () => {
    expect(onlyProblem('{\n  "type": 42\n}')).toBe('connectors/slack.jsonc:2:11: "type" must be a string');
    expect(onlyProblem('{"type": null}')).toBe('connectors/slack.jsonc:1:10: "type" must be a string');
  });

  it('names a "type" with characters a connector type cannot have', () => {
    expect(onlyProblem('{"type": "Slack Bot"}')).toBe(
      'connectors/slack.jsonc:1:10: "type" "Slack Bot" must be letters, digits, "_" or "-"',
    );
    expect(onlyProblem('{"type": ""}')).toMatch(/:1:10: "type" "" must be letters/);
  });

  it('names "scopes" that are not a list', () => {
    expect(onlyProblem('{\n  "type": "slack",\n  "scopes": "chat:write"\n}')).toBe(
      'connectors/slack.jsonc:3:13: "scopes" must be a list of strings',
    );
  });

  it('names the index of a scope that is not a string', () => {
    expect(onlyProblem('{"type": "slack", "scopes": ["chat:write", 7]}')).toBe(
      'connectors/slack.jsonc:1:44: "scopes"[1] must be a non-empty string',
    );
    expect(onlyProblem('{"type": "slack", "scopes": [""]}')).toMatch(
      /"scopes"\[0\] must be a non-empty string/,
    );
  });

  it('reports every problem of a file at once', () => {
    const { problems } = read('{"type": 1, "scopes": [true, "ok", null]}');
    expect(problems.map((problem) => problem.message)).toEqual([
      '"type" must be a string',
      '"scopes"[0] must be a non-empty string',
      '"scopes"[2] must be a non-empty string',
    ]);
  });
});

describe('readConnectorFiles: a folder', () => {
  const show = (root: string) => (path: string) => path.slice(root.length + 1);

  it('reads every .json and .jsonc file, sorted, and ignores other files', async () => {
    const root = await aTempDir();
    const dir = join(root, 'connectors');
    await writeFiles(dir, {
      'slack.jsonc': connectorJson('slack', ['chat:write']),
      'notion.json': connectorJson('notion'),
      'README.md': '# not a connector',
    });
    const files = await readConnectorFiles(dir, show(root));
    expect(files.map((file) => [file.shownPath, file.type, file.scopes])).toEqual([
      ['connectors/notion.json', 'notion', []],
      ['connectors/slack.jsonc', 'slack', ['chat:write']],
    ]);
  });

  it('gives an empty list for an empty folder', async () => {
    const root = await aTempDir();
    await mkdir(join(root, 'connectors'));
    expect(await readConnectorFiles(join(root, 'connectors'), show(root))).toEqual([]);
  });

  it('refuses a missing folder, naming where it looked, instead of reading it as "no connectors"', async () => {
    const root = await aTempDir();
    const error = await readConnectorFiles(join(root, 'connectors'), show(root)).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ code: 'no_connectors_dir', exitCode: ExitCode.invalid });
    expect((error as CliError).message).toContain('connectors');
    expect((error as CliError).message).toMatch(/No connectors folder at connectors\b/);
  });

  it('names both files when two of them have the same type', async () => {
    const root = await aTempDir();
    const dir = join(root, 'connectors');
    await writeFiles(dir, {
      'slack.jsonc': connectorJson('slack'),
      'team-chat.json': '{\n  "type": "slack"\n}\n',
    });
    const error = await invalidFiles(() => readConnectorFiles(dir, show(root)));
    expect(error.exitCode).toBe(ExitCode.invalid);
    expect(error.message).toBe(
      'connectors/team-chat.json:2:11: type "slack" is also the type of connectors/slack.jsonc: one file per connector',
    );
  });

  it('collects the problems of all files into one error, and says nothing was sent', async () => {
    const root = await aTempDir();
    const dir = join(root, 'connectors');
    await writeFiles(dir, {
      'a.jsonc': '{"type": 1}',
      'b.jsonc': '{"scopes": []}',
      'c.jsonc': connectorJson('notion'),
    });
    const error = await invalidFiles(() => readConnectorFiles(dir, show(root)));
    expect(error.problems.map((problem) => problem.file)).toEqual([
      'connectors/a.jsonc',
      'connectors/b.jsonc',
    ]);
    expect(error.hints).toContain('Nothing was sent to the server.');
  });
});

describe('checkTypesOffered', () => {
  const aFile = (type: string, shownPath = `connectors/${type}.jsonc`): ConnectorFile => ({
    path: `/project/${shownPath}`,
    shownPath,
    type,
    scopes: [],
    typeAt: { line: 2, column: 11 },
  });
  const offered = ['slack', 'slackbot', 'notion', 'googlecalendar'];

  it('accepts types the server offers', () => {
    expect(() => checkTypesOffered([aFile('slack'), aFile('notion')], offered)).not.toThrow();
  });

  it('names an unknown type where it is written, with the closest offered type', async () => {
    const error = await invalidFiles(() => checkTypesOffered([aFile('slak'), aFile('notion')], offered));
    expect(error.message).toBe(
      'connectors/slak.jsonc:2:11: unknown connector type "slak" (did you mean "slack"?)',
    );
    expect(error.exitCode).toBe(ExitCode.invalid);
  });

  it('suggests nothing when no offered type is close', async () => {
    const error = await invalidFiles(() => checkTypesOffered([aFile('salesforce-marketing')], offered));
    expect(error.message).toBe(
      'connectors/salesforce-marketing.jsonc:2:11: unknown connector type "salesforce-marketing"',
    );
  });

  it('reports every unknown type at once', async () => {
    const error = await invalidFiles(() => checkTypesOffered([aFile('notoin'), aFile('gogle')], offered));
    expect(error.problems.map((problem) => problem.message)).toEqual([
      'unknown connector type "notoin" (did you mean "notion"?)',
      'unknown connector type "gogle"',
    ]);
  });
});

describe('writeConnectorFile', () => {
  async function readBack(dir: string, name: string): Promise<ConnectorFile> {
    const [file] = await readConnectorFiles(dir, (path) => path).then((files) =>
      files.filter((candidate) => candidate.path.endsWith(name)),
    );
    return file!;
  }

  it('leaves a file that already has these scopes untouched, content and modification time', async () => {
    const dir = await aTempDir();
    const text = '// ours\n{"type": "slack", "scopes": ["a", "b"]}\n';
    await writeFiles(dir, { 'slack.jsonc': text });
    const old = new Date('2020-01-01T00:00:00Z');
    await utimes(join(dir, 'slack.jsonc'), old, old);

    const result = await writeConnectorFile(
      dir,
      { type: 'slack', scopes: ['a', 'b'] },
      await readBack(dir, 'slack.jsonc'),
    );
    expect(result).toBe('unchanged');
    expect(await readFile(join(dir, 'slack.jsonc'), 'utf8')).toBe(text);
    expect((await stat(join(dir, 'slack.jsonc'))).mtimeMs).toBe(old.getTime());
  });

  it('changes only the scopes of a file whose scopes differ, keeping its comments', async () => {
    const dir = await aTempDir();
    await writeFiles(dir, {
      'slack.jsonc':
        '// Slack for the support team\n{\n  "type": "slack", // keep me\n  "scopes": ["a"]\n}\n',
    });
    const result = await writeConnectorFile(
      dir,
      { type: 'slack', scopes: ['a', 'b'] },
      await readBack(dir, 'slack.jsonc'),
    );
    expect(result).toBe('written');
    const text = await readFile(join(dir, 'slack.jsonc'), 'utf8');
    expect(text).toContain('// Slack for the support team');
    expect(text).toContain('"type": "slack", // keep me');
    expect((await readBack(dir, 'slack.jsonc')).scopes).toEqual(['a', 'b']);
  });

  it('adds scopes to a file that had none, in place', async () => {
    const dir = await aTempDir();
    await writeFiles(dir, { 'notion.json': '{\n  // n\n  "type": "notion"\n}\n' });
    await writeConnectorFile(dir, { type: 'notion', scopes: ['read'] }, await readBack(dir, 'notion.json'));
    const text = await readFile(join(dir, 'notion.json'), 'utf8');
    expect(text).toContain('// n');
    expect((await readBack(dir, 'notion.json')).scopes).toEqual(['read']);
  });

  it('changes the scopes of a file that starts with a byte-order mark, and it still reads', async () => {
    const dir = await aTempDir();
    await writeFiles(dir, { 'slack.jsonc': '\uFEFF// c\n{\n  "type": "slack",\n  "scopes": ["a"]\n}\n' });
    await writeConnectorFile(dir, { type: 'slack', scopes: ['a', 'b'] }, await readBack(dir, 'slack.jsonc'));
    expect(await readFile(join(dir, 'slack.jsonc'), 'utf8')).toMatch(/^\uFEFF\/\/ c\n/);
    expect((await readBack(dir, 'slack.jsonc')).scopes).toEqual(['a', 'b']);
  });

  it('writes a new <type>.jsonc for a connector without a file', async () => {
    const dir = await aTempDir();
    expect(await writeConnectorFile(dir, { type: 'notion', scopes: ['read'] }, undefined)).toBe('written');
    expect(JSON.parse(await readFile(join(dir, 'notion.jsonc'), 'utf8'))).toEqual({
      type: 'notion',
      scopes: ['read'],
    });
  });

  it('writes atomically: no temporary file is left beside the connector files', async () => {
    const dir = await aTempDir();
    await writeFiles(dir, { 'slack.jsonc': connectorJson('slack', ['a']) });
    await writeConnectorFile(dir, { type: 'slack', scopes: ['b'] }, await readBack(dir, 'slack.jsonc'));
    await writeConnectorFile(dir, { type: 'notion', scopes: [] }, undefined);
    expect((await readdir(dir)).sort()).toEqual(['notion.jsonc', 'slack.jsonc']);
  });
});
