import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { shellQuote } from './cli.js';

const run = promisify(execFile);

/** Printed by the shell once the command ends, so the test knows the whole output is on screen. */
const EXIT_LINE = /^\[command exited with (\d+)\]$/m;

/**
 * A command in a real pseudo-terminal: a detached tmux session, 200 columns wide so no line wraps,
 * on a tmux server of its own (its socket in `dir`) started with exactly `env`.
 */
export class Terminal {
  /** The tmux server's process id, to end it even if its socket is gone. */
  private serverPid: number | undefined;

  private constructor(
    private readonly socket: string,
    private readonly env: Record<string, string>,
  ) {}

  static async start(options: {
    command: string[];
    cwd: string;
    env: Record<string, string>;
    /** A scratch directory for the socket and the script. */
    dir: string;
  }): Promise<Terminal> {
    const script = join(options.dir, 'terminal.sh');
    await writeFile(
      script,
      [
        `cd ${shellQuote(options.cwd)} || exit 1`,
        // Ctrl-C (`press('C-c')`) interrupts the command; the shell lives on to print its exit line.
        "trap 'true' INT",
        options.command.map(shellQuote).join(' '),
        'echo "[command exited with $?]"',
        // Keeps the pane, and its scrollback, until the test kills the session.
        'exec sleep 600',
        '',
      ].join('\n'),
    );
    const terminal = new Terminal(join(options.dir, 'tmux.sock'), options.env);
    const size = ['-x', '200', '-y', '50'];
    await terminal.tmux('new-session', '-d', '-s', 'cli', ...size, `sh ${shellQuote(script)}`);
    try {
      const { stdout } = await terminal.tmux('display-message', '-p', '-t', 'cli', '#{pid}');
      terminal.serverPid = Number(stdout.trim()) || undefined;
    } catch (error) {
      await terminal.kill();
      throw error;
    }
    return terminal;
  }

  /** Everything the terminal shows, scrollback included, without trailing blank rows. */
  async screen(): Promise<string> {
    const { stdout } = await this.tmux('capture-pane', '-p', '-t', 'cli', '-S', '-', '-E', '-');
    return stdout.replace(/\s+$/, '');
  }

  /** Polls the screen until `pattern` shows; answers the screen then. */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<string> {
    let screen = '';
    await pollUntil(
      async () => {
        screen = await this.screen();
        return pattern.test(screen);
      },
      timeoutMs,
      () => `the terminal to show ${pattern}; it shows:\n${screen}`,
    );
    return screen;
  }

  /** Types keys as tmux names them: `Enter`, `n`, … */
  async press(...keys: string[]): Promise<void> {
    await this.tmux('send-keys', '-t', 'cli', ...keys);
  }

  /** Waits for the command to end; answers its exit code and the lines it left on screen. */
  async waitForExit(timeoutMs: number): Promise<{ code: number; lines: string[] }> {
    const screen = await this.waitFor(EXIT_LINE, timeoutMs);
    const exit = EXIT_LINE.exec(screen)!;
    const output = screen.slice(0, exit.index).replace(/\n$/, '');
    return { code: Number(exit[1]), lines: output.split('\n').map((line) => line.trimEnd()) };
  }

  /** Ends the session, the command and the tmux server; safe to call more than once. */
  async kill(): Promise<void> {
    await this.tmux('kill-server').catch(() => undefined);
    if (this.serverPid === undefined) return;
    try {
      process.kill(this.serverPid, 'SIGTERM');
    } catch {
      // Already gone.
    }
    this.serverPid = undefined;
  }

  private tmux(...args: string[]): Promise<{ stdout: string }> {
    return run('tmux', ['-S', this.socket, '-f', '/dev/null', ...args], { env: this.env, timeout: 10_000 });
  }
}

/** Calls `check` every 100 ms until it answers true; fails after `timeoutMs` saying what it waited for. */
export async function pollUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  waitingFor: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`still waiting after ${timeoutMs} ms for ${waitingFor()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What stands for every URL when screens are compared with expected text. */
export const URL_PLACEHOLDER = '<url>';

/** The lines with every URL replaced by the placeholder: links differ from run to run. */
export const withoutUrls = (lines: string[]) =>
  lines.map((line) => line.replace(/https?:\/\/\S+/g, URL_PLACEHOLDER));
