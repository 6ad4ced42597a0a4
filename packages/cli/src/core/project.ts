import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { getNodeValue } from 'jsonc-parser';
import type { CliEnvironment } from './environment.js';
import { CliError, ExitCode, InvalidFilesError, UsageError } from './errors.js';
import { parseJson5 } from './jsonc.js';
import { APP_FILES, locateProject } from './project-layout.js';

export interface Project {
  root: string;
  /** Where the config is: `ROOT/base44`, or `ROOT` in the flat layout. */
  configDir: string;
  connectorsDir: string;
  appId: string | undefined;
  /** Where the app id is read from (or would be). */
  appFile: string;
}

/** What a connectors command acts on: an app, and where its connector files live. */
export interface Target {
  appId: string;
  connectorsDir: string;
  project: Project | undefined;
}

/**
 * The nearest project from `cwd` upward (`base44/config.jsonc`, or a flat `config.jsonc`: see
 * locateProject), with its config and app files read as JSON5. `connectorsDir` (default
 * `connectors`) is relative to the config's folder.
 */
export async function findProject(cwd: string): Promise<Project | undefined> {
  const layout = locateProject(cwd);
  if (!layout) return undefined;
  const config = await readObject(layout.configFile, layout.root);
  const connectorsDir = typeof config.connectorsDir === 'string' ? config.connectorsDir : 'connectors';
  const app = layout.appFile ? await readObject(layout.appFile, layout.root) : {};
  return {
    root: layout.root,
    configDir: layout.configDir,
    connectorsDir: resolve(layout.configDir, connectorsDir),
    appId: typeof app.id === 'string' && app.id ? app.id : undefined,
    appFile: layout.appFile ?? join(layout.configDir, APP_FILES[0]!),
  };
}

/**
 * The app is `--app-id`, else `BASE44_APP_ID` (which overrides `.app.jsonc`, as in the public CLI),
 * else the project's `.app.jsonc`. The folder is `--dir`, else the project's, else `./connectors`.
 */
export async function resolveTarget(
  environment: CliEnvironment,
  flags: { appId?: string | undefined; dir?: string | undefined },
): Promise<Target> {
  const project = await findProject(environment.cwd);
  const dir = flags.dir ? resolve(environment.cwd, flags.dir) : undefined;
  const appId = flags.appId ?? environment.appId ?? project?.appId;
  if (project) {
    if (!appId) {
      throw new UsageError(`${display(environment, project.appFile)} is missing, so the app is not known.`, [
        'Add it with {"id": "<app id>"}, or pass --app-id (or set BASE44_APP_ID).',
      ]);
    }
    return { appId, connectorsDir: dir ?? project.connectorsDir, project };
  }
  if (!appId) {
    throw new UsageError(
      `No base44 project here: no base44/config.jsonc in ${environment.cwd} or any folder above it.`,
      ['Run inside a project, or pass --app-id (or set BASE44_APP_ID) with --dir <connectors folder>.'],
    );
  }
  return { appId, connectorsDir: dir ?? resolve(environment.cwd, 'connectors'), project: undefined };
}

/** A path as people should see it: relative to where they are, when that is shorter. */
export function display(environment: Pick<CliEnvironment, 'cwd'>, path: string): string {
  const shown = relative(environment.cwd, path);
  return shown && !shown.startsWith('..') ? shown : path;
}

async function readObject(file: string, root: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(
      `Cannot read ${file}: ${(error as Error).message}`,
      'unreadable_file',
      ExitCode.invalid,
    );
  }
  const shown = relative(root, file);
  const parsed = parseJson5(shown, text);
  if (parsed.problems.length > 0) throw new InvalidFilesError(parsed.problems);
  const value = parsed.root ? getNodeValue(parsed.root) : undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidFilesError([{ file: shown, line: 1, column: 1, message: 'must be a JSON object' }]);
  }
  return value as Record<string, unknown>;
}
