import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { publicCliEntry, WatchedProcess } from './public-cli.js';

/**
 * A project folder in the public `base44` CLI's own format: `base44/config.jsonc` (its schema
 * needs only `name`), `base44/.app.jsonc` with the app id, and one file per connector under
 * `base44/connectors/` (`<type>.jsonc`, `{"type", "scopes"}`).
 */
export class PublicCliProject {
  constructor(readonly root: string) {}

  get connectorsDir(): string {
    return join(this.root, 'base44', 'connectors');
  }

  /** Creates the folder, linked to `appId`, with no connector files. */
  static async create(root: string, appId: string): Promise<PublicCliProject> {
    const project = new PublicCliProject(root);
    await mkdir(project.connectorsDir, { recursive: true });
    await writeFile(
      join(root, 'base44', 'config.jsonc'),
      '// a test project\n{ "name": "Connectors test" }\n',
    );
    await writeFile(join(root, 'base44', '.app.jsonc'), `${JSON.stringify({ id: appId })}\n`);
    return project;
  }

  async writeConnector(type: string, scopes: string[]): Promise<void> {
    await writeFile(
      join(this.connectorsDir, `${type}.jsonc`),
      `// ${type}, as a person writes it\n${JSON.stringify({ type, scopes })}\n`,
    );
  }

  async removeConnector(type: string): Promise<void> {
    await rm(join(this.connectorsDir, `${type}.jsonc`));
  }

  /** The connector files by name, each parsed as plain JSON: for files pull wrote (`writeConnector` adds a comment). */
  async readConnectors(): Promise<{ file: string; content: unknown }[]> {
    const files = (await readdir(this.connectorsDir)).sort();
    return Promise.all(
      files.map(async (file) => ({
        file,
        content: JSON.parse(await readFile(join(this.connectorsDir, file), 'utf8')),
      })),
    );
  }
}

/** A run of the public CLI; `stdout` holds its standard output alone (the one JSON document of `--json`). */
export class PublicCliRun extends WatchedProcess {
  stdout = '';

  constructor(child: ChildProcess, name: string) {
    super(child, name);
    child.stdout?.on('data', (chunk: string) => {
      this.stdout += chunk;
    });
  }
}

/** Where and as whom the public CLI runs: its home, the server, the workspace key, the working directory. */
export interface PublicCliSession {
  home: string;
  apiUrl: string;
  /** A workspace key `b44k_…`; the CLI sends it in the `api_key` header. */
  apiKey: string;
  cwd: string;
}

/**
 * Starts the unmodified public CLI (`base44 ARGS`) in `session.cwd`, as CI would run it: no TTY,
 * `CI=1`, no colour, no telemetry, no upgrade check, and credentials from `BASE44_API_KEY` only.
 */
export async function startPublicCliIn(args: string[], session: PublicCliSession): Promise<PublicCliRun> {
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('BASE44_'));
  const env = {
    ...Object.fromEntries(inherited),
    HOME: session.home,
    BASE44_API_URL: session.apiUrl,
    BASE44_API_KEY: session.apiKey,
    BASE44_DISABLE_TELEMETRY: '1',
    BASE44_CLI_TEST_OVERRIDES: JSON.stringify({ latestVersion: null }),
    CI: '1',
    NO_COLOR: '1',
  };
  const child = spawn(process.execPath, [await publicCliEntry(), ...args], {
    cwd: session.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new PublicCliRun(child, `base44 ${args.join(' ')}`);
}

/** Runs the public CLI to its end; `stdout` alone is kept apart for `--json`. */
export async function runPublicCliIn(
  args: string[],
  session: PublicCliSession,
  timeoutMs = 30_000,
): Promise<{ code: number | null; output: string; stdout: string }> {
  const cli = await startPublicCliIn(args, session);
  const code = await cli.waitForExit(timeoutMs);
  return { code, output: cli.output, stdout: cli.stdout };
}
