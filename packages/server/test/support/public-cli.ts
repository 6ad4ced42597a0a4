import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The release of the public `base44` CLI (npm package `base44`) our server must work with. */
export const PUBLIC_CLI_VERSION = '0.1.18';

const CACHE_DIR = fileURLToPath(
  new URL('../../../../node_modules/.cache/base44-public-cli/', import.meta.url),
);

/**
 * A child process whose stdout and stderr are collected together as they arrive, so a test can wait
 * for a line while the process is still running. Every failure message carries the output so far.
 */
export class WatchedProcess {
  output = '';
  private closed = false;
  private readonly events = new EventEmitter();

  constructor(
    private readonly child: ChildProcess,
    readonly name: string,
  ) {
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8').on('data', (chunk: string) => {
        this.output += chunk;
        this.events.emit('change');
      });
    }
    child.once('close', () => {
      this.closed = true;
      this.events.emit('change');
    });
  }

  /** Resolves with the first match of `pattern` in the output; rejects on exit or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    return this.until(() => pattern.exec(this.output) ?? undefined, `print ${pattern}`, timeoutMs);
  }

  /** Resolves with the exit code; kills the process and rejects if it runs longer than `timeoutMs`. */
  waitForExit(timeoutMs: number): Promise<number | null> {
    return this.until(() => (this.closed ? { code: this.child.exitCode } : undefined), 'exit', timeoutMs)
      .then(({ code }) => code)
      .catch((error: unknown) => {
        this.kill();
        throw error;
      });
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private until<T>(check: () => T | undefined, goal: string, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        stop();
        reject(new Error(`${this.name} did not ${goal}: ${why}. Its output:\n${this.output}`));
      };
      const onChange = () => {
        const result = check();
        if (result !== undefined) {
          stop();
          resolve(result);
        } else if (this.closed) fail(`it exited with ${this.child.exitCode ?? this.child.signalCode}`);
      };
      const timer = setTimeout(() => fail(`still waiting after ${timeoutMs} ms`), timeoutMs);
      const stop = () => {
        clearTimeout(timer);
        this.events.off('change', onChange);
      };
      this.events.on('change', onChange);
      onChange();
    });
  }
}

/** Runs `node ARGS` with the given environment, optionally writing `input` to its stdin. */
function startNode(
  name: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; input?: string },
): WatchedProcess {
  const child = spawn(process.execPath, args, {
    env: options.env,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  child.stdin?.end(options.input);
  return new WatchedProcess(child, name);
}

/** This process's environment without any `BASE44_*` variable, plus `extra`. */
function environmentWith(extra: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('BASE44_'));
  return { ...Object.fromEntries(inherited), ...extra };
}

/**
 * The entry point (`package/bin/run.js`) of the unmodified public CLI, fetched from npm with
 * `npm pack` into `node_modules/.cache/base44-public-cli/VERSION/` the first time it is needed.
 * Its bundle runs without its dependencies, so nothing is installed.
 */
export async function publicCliEntry(version = PUBLIC_CLI_VERSION): Promise<string> {
  const dir = join(CACHE_DIR, version);
  const entry = join(dir, 'package', 'bin', 'run.js');
  if (existsSync(entry)) return entry;

  await mkdir(CACHE_DIR, { recursive: true });
  const staging = await mkdtemp(join(CACHE_DIR, `${version}.partial-`));
  const run = promisify(execFile);
  try {
    await run('npm', ['pack', `base44@${version}`, '--pack-destination', staging], { cwd: staging });
    await run('tar', ['-xzf', `base44-${version}.tgz`, 'package'], { cwd: staging });
    await rm(join(staging, `base44-${version}.tgz`));
    // Renaming makes the cache appear whole or not at all; another test process may have won the race.
    await rename(staging, dir).catch((error: unknown) => {
      if (!existsSync(entry)) throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return entry;
}

/** Where the public CLI runs: its home directory (for `~/.base44`) and the server it talks to. */
export interface PublicCliTarget {
  home: string;
  apiUrl: string;
}

/** Starts `base44 ARGS` as a person would run it in a script: no TTY, no colour, no telemetry. */
export async function startPublicCli(args: string[], target: PublicCliTarget): Promise<WatchedProcess> {
  const env = environmentWith({
    HOME: target.home,
    BASE44_API_URL: target.apiUrl,
    BASE44_DISABLE_TELEMETRY: '1',
    BASE44_CLI_TEST_OVERRIDES: JSON.stringify({ latestVersion: null }),
    CI: '1',
    NO_COLOR: '1',
  });
  return startNode(`base44 ${args.join(' ')}`, [await publicCliEntry(), ...args], { env });
}
