import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { getNodeValue } from 'jsonc-parser';
import type { CliEnvironment } from './environment.js';
import { CliError, ExitCode, InvalidFilesError, UsageError } from './errors.js';
import { parseJsonc } from './jsonc.js';

export interface Project {
  root: string;
  /** `ROOT/base44` */
  base44Dir: string;
  connectorsDir: string;
  appId: string | undefined;
}

/** What a connectors command acts on: an app, and where its connector files live. */
export interface Target {
  appId: string;
  connectorsDir: string;
  project: Project | undefined;
}

/** The nearest folder, from `cwd` upward, that holds `base44/config.jsonc` (or `.json`). */
export async function findProject(cwd: string): Promise<Project | undefined> {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const base44Dir = join(dir, 'base44');
    const configFile = ['config.jsonc', 'config.json']
      .map((name) => join(base44Dir, name))
      .find((file) => existsSync(file));
    if (configFile) {
      const config = await readJsoncObject(configFile, dir);
      const connectorsDir = typeof config.connectorsDir === 'string' ? config.connectorsDir : 'connectors';
      const appFile = ['.app.jsonc', '.app.json']
        .map((name) => join(base44Dir, name))
        .find((file) => existsSync(file));
      const app = appFile ? await readJsoncObject(appFile, dir) : {};
      return {
        root: dir,
        base44Dir,
        connectorsDir: resolve(base44Dir, connectorsDir),
        appId: typeof app.id === 'string' && app.id ? app.id : undefined,
      };
    }
    if (dirname(dir) === dir) return undefined;
  }
}

export async function resolveTarget(
  environment: CliEnvironment,
  flags: { appId?: string | undefined; dir?: string | undefined },
): Promise<Target> {
  const project = await findProject(environment.cwd);
  const dir = flags.dir ? resolve(environment.cwd, flags.dir) : undefined;
  if (project) {
    const appId = flags.appId ?? project.appId;
    if (!appId) {
      throw new UsageError(
        `${display(environment, join(project.base44Dir, '.app.jsonc'))} is missing, so the app is not known.`,
        ['Add it with {"id": "<app id>"}, or pass --app-id.'],
      );
    }
    return { appId, connectorsDir: dir ?? project.connectorsDir, project };
  }
  const appId = flags.appId ?? environment.appId;
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

async function readJsoncObject(file: string, root: string): Promise<Record<string, unknown>> {
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
  const parsed = parseJsonc(shown, text);
  if (parsed.problems.length > 0) throw new InvalidFilesError(parsed.problems);
  const value = parsed.root ? getNodeValue(parsed.root) : undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidFilesError([{ file: shown, line: 1, column: 1, message: 'must be a JSON object' }]);
  }
  return value as Record<string, unknown>;
}
