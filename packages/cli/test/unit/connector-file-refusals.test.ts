import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  MAX_CONNECTORS_PER_PUSH,
  MAX_SCOPE_LENGTH,
  MAX_SCOPES_PER_CONNECTOR,
  PlanRequest,
  UpsertIntegrationRequest,
} from '@base44-connectors/contract';
import { describe, expect, it } from 'vitest';
import { CliError, ExitCode, InvalidFilesError } from '../../src/core/errors.js';
import {
  checkSettingsOffered,
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

describe('connector files: connection_config', () => {
  const salesforce = {
    integration_type: 'salesforce',
    display_name: 'Salesforce',
    description: 'Salesforce',
    connection_config_fields: [
      {
        name: 'login_host',
        display_name: 'Login host',
        description: 'Where the org signs in',
        placeholder: 'login.salesforce.com',
        required: false,
        validation_pattern: '^(login|test)\\.salesforce\\.com$',
        validation_error: 'must be login.salesforce.com or test.salesforce.com',
      },
    ],
  };
  const read = (text: string) => readConnectorFile('/p/c/salesforce.jsonc', 'c/salesforce.jsonc', text);

  /** The problems the server's fields find in a file that reads well, as `file:line:column: message`. */
  function offeredProblems(text: string): string[] {
    const { file, problems } = read(text);
    expect(problems).toEqual([]);
    try {
      checkSettingsOffered([file!], [salesforce]);
      return [];
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidFilesError);
      return (error as InvalidFilesError).problems.map(
        (p) => `${p.file}:${p.line}:${p.column}: ${p.message}`,
      );
    }
  }

  it('reads the settings a file gives, to be sent as they are', () => {
    const { file } = read(
      '{"type": "salesforce", "connection_config": {"login_host": "test.salesforce.com"}}',
    );
    expect(file?.connection_config).toEqual({ login_host: 'test.salesforce.com' });
    expect(read('{"type": "salesforce"}').file?.connection_config).toBeUndefined();
  });

  it('refuses settings that are not an object of strings, where they are written', () => {
    expect(problems('{"type": "slack", "connection_config": ["a"]}')).toEqual([
      '1:40: "connection_config" must be an object of settings, like {"login_host": "test.salesforce.com"}',
    ]);
    expect(
      problems('{\n  "type": "slack",\n  "connection_config": {"login_host": 5, "x": "a\\u001bb"}\n}'),
    ).toEqual([
      '3:39: "connection_config"."login_host" must be a string',
      '3:47: "connection_config"."x" "a\\u001bb" has a control or bidirectional character',
    ]);
  });

  it("names the file, line, column and setting of a value the connector refuses, in the server's words", () => {
    const text =
      '{\n  "type": "salesforce",\n  "connection_config": {\n    "login_host": "evil.example.com"\n  }\n}';
    expect(offeredProblems(text)).toEqual([
      'c/salesforce.jsonc:4:19: "connection_config"."login_host" "evil.example.com" must be login.salesforce.com or test.salesforce.com',
    ]);
    expect(offeredProblems('{"type": "salesforce", "connection_config": {"loginhost": "x"}}')).toEqual([
      'c/salesforce.jsonc:1:59: "connection_config"."loginhost" "x" is not a setting of this connector ("login_host")',
    ]);
    expect(
      offeredProblems('{"type": "salesforce", "connection_config": {"login_host": "test.salesforce.com"}}'),
    ).toEqual([]);
  });
});

describe('connector files: the limits the server applies, refused before anything is sent', () => {
  const longScope = 'a'.repeat(300);

  it('refuses a 300-character scope where it is written, as the server refuses it with 422', () => {
    expect(problems(`{"type": "slack",\n  "scopes": ["ok", "${longScope}"]}`)).toEqual([
      `2:20: "scopes"[1] "${'a'.repeat(80)}…" is 300 characters long: a scope is at most ${MAX_SCOPE_LENGTH}`,
    ]);
    const sent = { scopes: ['ok', longScope] };
    expect(UpsertIntegrationRequest.safeParse(sent).success).toBe(false);
    expect(PlanRequest.safeParse({ connectors: [{ type: 'slack', ...sent }] }).success).toBe(false);
  });

  it('accepts a scope of exactly the longest length the server takes', () => {
    const scope = 'a'.repeat(MAX_SCOPE_LENGTH);
    const read = readConnectorFile(
      '/p/c/slack.jsonc',
      'c/slack.jsonc',
      `{"type": "slack", "scopes": ["${scope}"]}`,
    );
    expect(read.problems).toEqual([]);
    expect(UpsertIntegrationRequest.safeParse({ scopes: [scope] }).success).toBe(true);
  });

  it('refuses more scopes than one connector may ask for, at the list', () => {
    const scopes = Array.from({ length: MAX_SCOPES_PER_CONNECTOR + 1 }, (_, index) => `s${index}`);
    expect(problems(`{"type": "slack", "scopes": ${JSON.stringify(scopes)}}`)).toEqual([
      `1:29: "scopes" lists 201 scopes: a connector asks for at most ${MAX_SCOPES_PER_CONNECTOR}`,
    ]);
    expect(UpsertIntegrationRequest.safeParse({ scopes }).success).toBe(false);
  });

  it('reads "__proto__" as a key like any other, never as where "type" comes from', () => {
    expect(problems('{"__proto__": {"type": "slack"}}')).toEqual([
      '1:1: missing "type" (the connector type, e.g. "slack")',
    ]);
  });

  it('refuses a folder of more connector files than one push takes, naming the folder', async () => {
    const dir = await aTempDir();
    await Promise.all(
      Array.from({ length: MAX_CONNECTORS_PER_PUSH + 1 }, (_, index) =>
        writeFile(join(dir, `c${index}.json`), ''),
      ),
    );
    const error = await readConnectorFiles(dir, () => 'connectors').catch((e) => e);
    expect(error).toBeInstanceOf(CliError);
    expect(error.exitCode).toBe(ExitCode.invalid);
    expect(error.message).toBe(
      `connectors holds ${MAX_CONNECTORS_PER_PUSH + 1} connector files: a push takes at most ${MAX_CONNECTORS_PER_PUSH} connectors.`,
    );
  });
});
