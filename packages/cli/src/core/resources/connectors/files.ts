import { existsSync } from 'node:fs';
import { readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import {
  type AvailableIntegrationsResponse,
  closestMatch,
  MAX_CONNECTION_SETTINGS,
  MAX_CONNECTORS_PER_PUSH,
  MAX_SETTING_LENGTH,
  STRIPE_TYPE,
  settingProblems,
  unsafeCharacterIn,
} from '@base44-connectors/contract';
import JSON5 from 'json5';
import { applyEdits, findNodeAtLocation, modify, type Node } from 'jsonc-parser';
import { CliError, ExitCode, type FileProblem, InvalidFilesError } from '../../errors.js';
import { parseJson5 } from '../../jsonc.js';
import { printable } from '../../printable.js';
import { checkConnectorFile, quoted, READ_KEYS } from './file-schema.js';

/** Every key this reader takes from a file: the schema's, and the settings read beside them. */
const KEYS_READ = new Set([...READ_KEYS, 'connection_config']);

/** One connector file as read: its connector, and where its type is written (for later errors). */
export interface ConnectorFile {
  path: string;
  shownPath: string;
  /** Lower-cased: types are case-insensitive (`"Slack"` is the `slack` connector), as in the public CLI. */
  type: string;
  scopes: string[];
  typeAt: { line: number; column: number };
  /** The connection settings the file gives (`"connection_config"`), sent as they are; absent when it gives none. */
  connection_config?: Record<string, string>;
  /** Where each setting is written, by name, and the object itself (`""`), for later errors. */
  settingsAt?: Record<string, { line: number; column: number }>;
}

const CONNECTOR_FILE = /\.jsonc?$/;

/** A connector file is a few lines; anything this big is not one (and would not fit a request anyway). */
export const MAX_CONNECTOR_FILE_BYTES = 1024 * 1024;

/**
 * Reads and checks every `*.json(c)` file of the folder. All problems of all files are collected
 * and thrown together; a missing folder is an error of its own (it must never look like "no
 * connectors", which would remove every connector of the app).
 */
export async function readConnectorFiles(
  dir: string,
  show: (path: string) => string,
): Promise<ConnectorFile[]> {
  if (!existsSync(dir)) {
    throw new CliError(
      `No connectors folder at ${show(dir)}: nothing was pushed, and nothing removed.`,
      'no_connectors_dir',
      ExitCode.invalid,
      ['Create it (an empty folder removes every connector of the app), or point --dir at the right one.'],
    );
  }
  const names = (await unreadable(show(dir), () => readdir(dir)))
    .filter((name) => CONNECTOR_FILE.test(name))
    .sort();
  if (names.length > MAX_CONNECTORS_PER_PUSH) {
    throw new CliError(
      `${show(dir)} holds ${names.length} connector files: a push takes at most ${MAX_CONNECTORS_PER_PUSH} connectors.`,
      'too_many_connectors',
      ExitCode.invalid,
      ['Nothing was sent to the server.'],
    );
  }
  // All files at once (a project may hold hundreds); the results keep the names' order.
  const reads = await Promise.all(names.map((name) => readOneFile(join(dir, name), show)));
  const problems = reads.flatMap((read) => read.problems);
  const files = reads.flatMap((read) => (read.file ? [read.file] : []));
  const firstOfType = new Map<string, ConnectorFile>();
  for (const file of files) {
    const first = firstOfType.get(file.type);
    if (first) {
      problems.push({
        file: file.shownPath,
        ...file.typeAt,
        message: `type "${file.type}" is also the type of ${first.shownPath}: one file per connector`,
      });
    } else {
      firstOfType.set(file.type, file);
    }
  }
  if (problems.length > 0) throw new InvalidFilesError(problems);
  return files;
}

async function readOneFile(
  path: string,
  show: (path: string) => string,
): Promise<{ file?: ConnectorFile; problems: FileProblem[] }> {
  const { size } = await unreadable(show(path), () => stat(path));
  if (size > MAX_CONNECTOR_FILE_BYTES) {
    const message = `is ${size} bytes: a connector file is at most ${MAX_CONNECTOR_FILE_BYTES} bytes`;
    return { problems: [{ file: show(path), line: 1, column: 1, message }] };
  }
  return readConnectorFile(path, show(path), await unreadable(show(path), () => readFile(path, 'utf8')));
}

/** A folder that is a file, a file that is a folder, no permission: said plainly, as bad input. */
async function unreadable<T>(shown: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOTDIR'
        ? 'is not a folder'
        : code === 'EISDIR'
          ? 'is a folder, not a connector file'
          : code === 'EACCES'
            ? 'cannot be read (permission denied)'
            : `cannot be read (${code ?? (error as Error).message})`;
    throw new CliError(`${shown} ${why}.`, 'unreadable_file', ExitCode.invalid);
  }
}

export function readConnectorFile(
  path: string,
  shownPath: string,
  text: string,
): { file?: ConnectorFile; problems: FileProblem[] } {
  const parsed = parseJson5(shownPath, text);
  if (parsed.problems.length > 0) return { problems: parsed.problems };
  const at = (node: Node | undefined, fallback = 0) => parsed.locate(node?.offset ?? fallback);
  const problem = (node: Node | undefined, message: string): FileProblem => ({
    file: shownPath,
    ...at(node),
    message,
  });
  const root = parsed.root;
  if (root?.type !== 'object')
    return { problems: [problem(root, 'must be a JSON object like {"type": "slack", "scopes": []}')] };

  const problems: FileProblem[] = [];
  for (const { key, first, again } of repeatedKeys(root)) {
    const { line, column } = at(first);
    problems.push(problem(again, `"${key}" is written twice (first at ${line}:${column}): keep one`));
  }
  if (problems.length > 0) return { problems };

  const checked = checkConnectorFile(root);
  const settingsNode = findNodeAtLocation(root, ['connection_config']);
  const settings = readSettings(settingsNode, problem, at);
  const refusals = [
    ...(checked.ok ? [] : checked.problems.map(({ node, message }) => problem(node, message))),
    ...settings.problems,
  ];
  if (checked.ok && checked.type === STRIPE_TYPE && settings.values)
    refusals.push(problem(settingsNode, '"connection_config" is not taken by stripe'));
  if (!checked.ok || refusals.length > 0) return { problems: refusals };
  const { type, scopes } = checked;
  const file: ConnectorFile = {
    path,
    shownPath,
    type,
    scopes,
    typeAt: at(findNodeAtLocation(root, ['type'])),
  };
  if (settings.values) Object.assign(file, { connection_config: settings.values, settingsAt: settings.at });
  return { file, problems };
}

/** `"connection_config"`: an object of strings, each a setting of the connector by name. */
function readSettings(
  node: Node | undefined,
  problem: (node: Node | undefined, message: string) => FileProblem,
  at: (node: Node | undefined) => { line: number; column: number },
): {
  values?: Record<string, string>;
  at?: Record<string, { line: number; column: number }>;
  problems: FileProblem[];
} {
  if (!node) return { problems: [] };
  if (node.type !== 'object')
    return {
      problems: [
        problem(
          node,
          '"connection_config" must be an object of settings, like {"login_host": "test.salesforce.com"}',
        ),
      ],
    };
  const values: Record<string, string> = {};
  const where: Record<string, { line: number; column: number }> = { '': at(node) };
  const problems: FileProblem[] = [];
  const properties = node.children ?? [];
  if (properties.length > MAX_CONNECTION_SETTINGS)
    problems.push(
      problem(
        node,
        `"connection_config" holds ${properties.length} settings: at most ${MAX_CONNECTION_SETTINGS}`,
      ),
    );
  for (const property of properties) {
    const [keyNode, valueNode] = property.children ?? [];
    const name = String(keyNode?.value ?? '');
    const label = `"connection_config"."${quoted(name).slice(1, -1)}"`;
    if (where[name] !== undefined) problems.push(problem(keyNode, `${label} is written twice: keep one`));
    else if (valueNode?.type !== 'string') problems.push(problem(valueNode, `${label} must be a string`));
    else if (valueNode.value.length > MAX_SETTING_LENGTH)
      problems.push(problem(valueNode, `${label} is longer than ${MAX_SETTING_LENGTH} characters`));
    else if (unsafeCharacterIn(valueNode.value) || unsafeCharacterIn(name))
      problems.push(
        problem(valueNode, `${label} ${quoted(valueNode.value)} has a control or bidirectional character`),
      );
    else {
      values[name] = valueNode.value;
      where[name] = at(valueNode);
    }
  }
  return { values, at: where, problems };
}

/**
 * Settings the server's catalog does not take, each reported where the file writes it: a name the
 * connector does not declare, a value its pattern refuses, a required one missing. The Base44
 * cloud describes its connectors' settings the same way (`connection_config_fields`).
 */
export function checkSettingsOffered(
  files: readonly ConnectorFile[],
  integrations: AvailableIntegrationsResponse['integrations'],
): void {
  const fieldsOf = new Map(
    integrations.map((integration) => [integration.integration_type, integration.connection_config_fields]),
  );
  const problems = files.flatMap((file) => {
    const fields = fieldsOf.get(file.type);
    if (!file.connection_config || !fields) return [];
    const given = file.connection_config;
    return settingProblems(fields, given).map(({ name, message }) => {
      const value = given[name];
      const label = `"connection_config"."${quoted(name).slice(1, -1)}"`;
      return {
        file: file.shownPath,
        ...(file.settingsAt?.[name] ?? file.settingsAt?.[''] ?? file.typeAt),
        message: value === undefined ? `${label} ${message}` : `${label} ${quoted(value)} ${message}`,
      };
    });
  });
  if (problems.length > 0) throw new InvalidFilesError(problems);
}

/** Keys this reader uses that the object writes more than once (parsers disagree on which one wins). */
function repeatedKeys(root: Node): { key: string; first: Node; again: Node }[] {
  const firstOf = new Map<string, Node>();
  const repeated: { key: string; first: Node; again: Node }[] = [];
  for (const property of root.children ?? []) {
    const keyNode = property.children?.[0];
    const key = keyNode?.value;
    if (!keyNode || typeof key !== 'string' || !KEYS_READ.has(key)) continue;
    const first = firstOf.get(key);
    if (first) repeated.push({ key, first, again: keyNode });
    else firstOf.set(key, keyNode);
  }
  return repeated;
}

/**
 * Types this server does not offer, each reported where it is written, with the closest valid type.
 * Stripe is always valid: servers do not list it among the available integrations.
 */
export function checkTypesOffered(files: readonly ConnectorFile[], listed: readonly string[]): void {
  const offered = listed.includes(STRIPE_TYPE) ? listed : [...listed, STRIPE_TYPE];
  const known = new Set(offered);
  const problems = files
    .filter((file) => !known.has(file.type))
    .map((file) => {
      const suggestion = closestMatch(file.type, offered);
      const hint = suggestion ? ` (did you mean "${suggestion}"?)` : '';
      return {
        file: file.shownPath,
        ...file.typeAt,
        message: `unknown connector type "${file.type}"${hint}`,
      };
    });
  if (problems.length > 0) throw new InvalidFilesError(problems);
}

/**
 * Writes a connector's file so that it holds these scopes. A file that already says so is left
 * alone; one that differs keeps its comments and layout (only the scopes change), unless it is
 * written in JSON5 beyond JSON with comments: that one is written anew as JSON, keeping its
 * `$schema`. Writes are atomic.
 */
export async function writeConnectorFile(
  dir: string,
  connector: { type: string; scopes: string[] },
  existing: ConnectorFile | undefined,
): Promise<'written' | 'unchanged'> {
  if (existing && sameScopes(existing.scopes, connector.scopes)) return 'unchanged';
  const path = existing?.path ?? insideFolder(dir, `${connector.type}.jsonc`);
  const before = existing ? await readFile(existing.path, 'utf8') : undefined;
  const text =
    before !== undefined && !parseJson5(existing!.shownPath, before).json5Only
      ? applyEdits(
          before,
          modify(before, ['scopes'], connector.scopes, {
            formattingOptions: { insertSpaces: true, tabSize: 2 },
          }),
        )
      : newFileText(connector, before);
  await writeAtomically(path, text);
  return 'written';
}

/**
 * A connector file's whole text: `$schema` and `connection_config` (kept from the file it
 * replaces: the list API reports no settings), type and scopes.
 */
function newFileText(connector: { type: string; scopes: string[] }, replaced: string | undefined): string {
  const { type, scopes } = connector;
  const kept = replaced === undefined ? {} : keptKeys(replaced);
  const body = {
    ...(kept.$schema === undefined ? {} : { $schema: kept.$schema }),
    type,
    scopes,
    ...(kept.connection_config === undefined ? {} : { connection_config: kept.connection_config }),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

function keptKeys(text: string): { $schema?: string; connection_config?: unknown } {
  try {
    const { $schema, connection_config } = JSON5.parse<{ $schema?: unknown; connection_config?: unknown }>(
      text,
    );
    return {
      ...(typeof $schema === 'string' ? { $schema } : {}),
      ...(connection_config === undefined ? {} : { connection_config }),
    };
  } catch {
    return {};
  }
}

export async function writeAtomically(path: string, text: string, mode = 0o644): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode });
  try {
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

function sameScopes(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((scope, index) => scope === b[index]);
}

/** `dir/name`, refused unless it is a plain file name in `dir`: a type from a server never walks out of the folder. */
function insideFolder(dir: string, name: string): string {
  const path = resolve(dir, name);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name) || dirname(path) !== resolve(dir)) {
    throw new CliError(
      `Refused to write "${printable(name)}": not a file name inside ${dir}.`,
      'unsafe_path',
    );
  }
  return path;
}
