import { spawn } from 'node:child_process';
import { SERVER_BIN } from './server-process.js';

/** A `base44-server start` process a test may kill at any moment, listening yet or not. */
export interface KillableServer {
  /** Resolves with the URL once it listens; rejects if it exits before. */
  listening: Promise<string>;
  /** SIGKILL, as a power cut or the OOM killer would; resolves once the process is gone. */
  kill(): Promise<void>;
  /** True once it has exited, whatever the cause. */
  exited(): boolean;
  output(): string;
}

/** Spawns `base44-server start ARGS` without waiting for it: see `listening`. */
export function spawnServer(args: string[], env: Record<string, string> = {}): KillableServer {
  const child = spawn(process.execPath, [SERVER_BIN, 'start', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const listening = new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /base44-server listening on (\S+)/.exec(output)?.[1];
      if (url) resolve(url);
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code, signal) =>
      reject(new Error(`the server exited (${signal ?? code}) before listening:\n${output}`)),
    );
  });
  listening.catch(() => {}); // a server killed while starting never listens: that is no failure
  return {
    listening,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await gone;
    },
    exited: () => child.exitCode !== null || child.signalCode !== null,
    output: () => output,
  };
}
