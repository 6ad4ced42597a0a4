import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { onTestFinished } from 'vitest';

/** A new folder under the system's temp folder, removed when the current test ends. */
export async function aTempDir(prefix = 'base44-cli-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes each `relative path → content` under `root`, creating folders as needed. */
export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const file = join(root, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}

/**
 * A base44 project under `root`: `base44/config.jsonc` (with `connectorsDir` when given),
 * `base44/.app.jsonc` when `appId` is given, and each connector file in the connectors folder.
 */
export async function aProject(
  root: string,
  options: { appId?: string; connectorsDir?: string; connectors?: Record<string, string> } = {},
): Promise<{ root: string; connectorsDir: string }> {
  const config = options.connectorsDir ? { connectorsDir: options.connectorsDir } : {};
  await writeFiles(root, {
    'base44/config.jsonc': `// the project\n${JSON.stringify(config, null, 2)}\n`,
    ...(options.appId ? { 'base44/.app.jsonc': JSON.stringify({ id: options.appId }) } : {}),
  });
  const connectorsDir = join(root, 'base44', options.connectorsDir ?? 'connectors');
  if (options.connectors) {
    await mkdir(connectorsDir, { recursive: true });
    await writeFiles(connectorsDir, options.connectors);
  }
  return { root, connectorsDir };
}

/** A connector file's text: `{"type": …, "scopes": […]}`, pretty-printed. */
export function connectorJson(type: string, scopes?: string[]): string {
  return `${JSON.stringify(scopes === undefined ? { type } : { type, scopes }, null, 2)}\n`;
}
