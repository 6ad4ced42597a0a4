import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aProject, connectorJson } from './temp.js';
import { pollUntil } from './terminal.js';

/** The built bin (`npm run build`). */
export const CLI_BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

export function assertCliBuilt(): void {
  if (!existsSync(CLI_BIN)) throw new Error(`${CLI_BIN} is missing: run \`npm run build\` first`);
}

export interface Connector {
  type: string;
  scopes: string[];
}

/** A project of `appId` under `root` with one `base44/connectors/<type>.jsonc` per connector. */
export async function aConnectorProject(
  root: string,
  appId: string,
  connectors: Connector[],
): Promise<string> {
  const files = Object.fromEntries(
    connectors.map(({ type, scopes }) => [`${type}.jsonc`, connectorJson(type, scopes)]),
  );
  return (await aProject(root, { appId, connectors: files })).root;
}

export interface FakeBrowser {
  /** What `BROWSER` holds. */
  command: string;
  /** The URLs the CLI asked it to open so far. */
  opened(): Promise<string[]>;
  /** Resolves once the CLI asked it to open `count` URLs; fails after 10 s. */
  waitForOpened(count: number): Promise<string[]>;
}

/** A `BROWSER` command that only writes down its first argument: the test plays the person. */
export async function aFakeBrowser(dir: string): Promise<FakeBrowser> {
  const log = join(dir, 'opened-urls.txt');
  const command = join(dir, 'fake-browser.sh');
  await writeFile(command, `#!/bin/sh\nprintf '%s\\n' "$1" >> ${shellQuote(log)}\n`);
  await chmod(command, 0o755);
  const opened = async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return {
    command,
    opened,
    async waitForOpened(count) {
      await pollUntil(
        async () => (await opened()).length === count,
        10_000,
        () => `the CLI to open ${count} link(s)`,
      );
      return opened();
    },
  };
}

/**
 * The environment a person's shell gives the CLI: this process's, without `CI` (Vitest runs with
 * it, and it makes the CLI non-interactive) or any `BASE44_*`, plus `extra`.
 */
export function cliEnvironment(extra: Record<string, string>): Record<string, string> {
  const inherited = Object.entries(process.env).filter(
    (entry): entry is [string, string] =>
      entry[1] !== undefined && entry[0] !== 'CI' && !entry[0].startsWith('BASE44_'),
  );
  return { ...Object.fromEntries(inherited), ...extra };
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `base44 ARGS` as a script would: no TTY on any stream, stdin at its end. */
export function runCli(
  args: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs: number },
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`base44 ${args.join(' ')} still ran after ${options.timeoutMs} ms:\n${stdout}${stderr}`),
      );
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
