// A throwaway `base44-server start --sandbox` for bench/authorization-feedback.mjs: its own data
// directory (SQLite) in a temporary folder, an account, an app and a workspace key made with the
// server's admin commands, on a free port.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SERVER_BIN = fileURLToPath(new URL('../../packages/server/dist/bin.js', import.meta.url));

function admin(dataDir, args, stdin = '') {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [SERVER_BIN, ...args, '--data-dir', dataDir],
      { timeout: 30_000 },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`base44-server ${args.join(' ')}: ${stderr.trim()}`))
          : resolve(stdout.trim()),
    );
    child.stdin.end(stdin);
  });
}

/** The account, its app and a workspace key (what `BASE44_API_KEY` takes). */
export async function prepareAccount(dataDir) {
  const email = 'bench@example.com';
  await admin(
    dataDir,
    ['users', 'add', '--email', email, '--password-stdin'],
    randomBytes(12).toString('base64url'),
  );
  const appId = await admin(dataDir, ['apps', 'create', '--name', 'Feedback bench', '--owner', email]);
  const apiKey = await admin(dataDir, ['keys', 'create', '--email', email]);
  return { email, appId, apiKey };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Starts the server (its log in dataDir/server.log) and resolves once `/health` answers. */
export async function startServer(dataDir, { logLevel = 'warn' } = {}) {
  const port = await freePort();
  const logFile = join(dataDir, 'server.log');
  const log = openSync(logFile, 'a');
  const args = ['start', '--sandbox', '--port', String(port), '--data-dir', dataDir, '--log-level', logLevel];
  const child = spawn(process.execPath, [SERVER_BIN, ...args], { stdio: ['ignore', log, log] });
  closeSync(log);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })).ok) break;
    } catch {}
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n');
      throw new Error(`base44-server did not start:\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  };
  return { url, pid: child.pid, stop };
}
