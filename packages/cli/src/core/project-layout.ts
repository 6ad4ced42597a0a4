import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseJson5 } from './jsonc.js';

/** Where a project's files are: found without reading more than one file, and never throwing. */
export interface ProjectLayout {
  /** The folder that holds `base44/` (or the flat config): where `.env` files are read. */
  root: string;
  /** The folder of the config: `ROOT/base44`, or `ROOT` itself in the flat layout. */
  configDir: string;
  configFile: string;
  /** `.app.jsonc` (or `.app.json`) beside the config, when there is one. */
  appFile: string | undefined;
}

export const CONFIG_FILES = ['config.jsonc', 'config.json'];
export const APP_FILES = ['.app.jsonc', '.app.json'];

/**
 * Keys of a base44 project config (the public CLI's): a flat `config.json` without `.app.jsonc`
 * beside it must hold one of them to count, so that another tool's `config.json` does not make
 * a folder a base44 project. `name` alone is too common to tell.
 */
export const BASE44_CONFIG_KEYS = ['connectorsDir', 'entitiesDir', 'functionsDir', 'agentsDir', 'site'];

/**
 * The nearest project from `cwd` upward. In each folder, `base44/config.json(c)` (the usual layout)
 * comes first; then `config.json(c)` in the folder itself (the flat layout), which counts when
 * `.app.json(c)` is beside it or it is a JSON5 object with a base44 key. A config in a folder
 * named `base44` is the usual layout of the folder above (so running inside `base44/` finds it).
 */
export function locateProject(cwd: string): ProjectLayout | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const layout =
      layoutIn(dir, join(dir, 'base44')) ??
      (basename(dir) === 'base44' ? layoutIn(dirname(dir), dir) : flatLayout(dir));
    if (layout) return layout;
    if (dirname(dir) === dir) return undefined;
  }
}

function layoutIn(root: string, configDir: string): ProjectLayout | undefined {
  const configFile = firstExisting(configDir, CONFIG_FILES);
  if (!configFile) return undefined;
  return { root, configDir, configFile, appFile: firstExisting(configDir, APP_FILES) };
}

function flatLayout(dir: string): ProjectLayout | undefined {
  const layout = layoutIn(dir, dir);
  if (!layout || layout.appFile) return layout;
  return holdsBase44Key(layout.configFile) ? layout : undefined;
}

function holdsBase44Key(file: string): boolean {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  const { root, problems } = parseJson5(file, text);
  if (problems.length > 0 || root?.type !== 'object') return false;
  return (root.children ?? []).some((property) => BASE44_CONFIG_KEYS.includes(property.children?.[0]?.value));
}

function firstExisting(dir: string, names: readonly string[]): string | undefined {
  return names.map((name) => join(dir, name)).find((file) => existsSync(file));
}
