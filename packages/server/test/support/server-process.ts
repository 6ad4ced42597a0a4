import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { StorageLocation } from '../../src/storage/database.js';
import {
  type Finding,
  registerDataDirSecrets,
  registerSecret,
  SecretsInClear,
  scanDatabase,
  scanLogLines,
} from './secret-scan.js';

/** The built bin (`npm test` builds before it tests). */
export const SERVER_BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `base44-server ARGS` to completion. */
export function runServerCommand(
  args: string[],
  options: { stdin?: string; env?: Record<string, string> } = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [SERVER_BIN, ...args],
      { env: { ...process.env, ...options.env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        if (code === 0) registerPrintedSecret(args, stdout, options.stdin);
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(options.stdin ?? '');
  });
}

/** `keys create` prints the new key, and `users add` and `users reset-password` the password they made (or were piped). */
function registerPrintedSecret(args: string[], stdout: string, stdin: string | undefined): void {
  const command = `${args[0]} ${args[1]}`;
  if (command === 'keys create') registerSecret('a key made by `keys create`', stdout.trim());
  if (command === 'users add' || command === 'users reset-password') {
    const piped = args.includes('--password-stdin');
    registerSecret(`a password of \`${command}\``, piped ? stdin?.replace(/\r?\n$/, '') : stdout.trim());
  }
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Stops it, then fails if its output or its database hold a registered secret (secret-scan.ts). */
  stop(): Promise<void>;
}

/** Starts `base44-server start ARGS` and resolves once it says where it listens. */
export function startServerProcess(args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [SERVER_BIN, 'start', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let scanned: Promise<Finding[]> | undefined;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await closed;
    scanned ??= scanProcess(output, storageLocationOf(args));
    const findings = await scanned;
    if (findings.length > 0) throw new SecretsInClear(`base44-server start ${args.join(' ')}`, findings);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within 20 s:\n${output}`));
    }, 20_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /base44-server listening on (\S+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, child, output: () => output, stop });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before listening:\n${output}`));
    });
  });
}

/** Where `start ARGS` keeps its data, when the flags say so. */
function storageLocationOf(args: string[]): StorageLocation | undefined {
  const flag = (name: string) => {
    const index = args.indexOf(name);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const dataDir = flag('--data-dir');
  return dataDir ? { dataDir, databaseUrl: flag('--database-url') } : undefined;
}

async function scanProcess(output: string, location: StorageLocation | undefined): Promise<Finding[]> {
  if (location) registerDataDirSecrets(location.dataDir);
  const lines = output.split('\n');
  const findings = scanLogLines(lines, (index) => `output line ${index + 1}`);
  if (!location) return findings;
  // A database the test has already removed, or a PostgreSQL it stopped, has nothing left to read.
  const stored = await scanDatabase(location).catch(() => []);
  return [...findings, ...stored];
}
