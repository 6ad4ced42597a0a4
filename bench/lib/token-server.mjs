// Processes for bench/token-api.mjs: base44-server instances, the bare Fastify baseline, the admin
// commands, autocannon runs (each its own process), and resident memory from /proc.

import { execFileSync, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SERVER_BIN = fileURLToPath(new URL('../../packages/server/dist/bin.js', import.meta.url));
const BASELINE = fileURLToPath(new URL('./token-baseline.mjs', import.meta.url));
const AUTOCANNON = fileURLToPath(new URL('../../node_modules/autocannon/autocannon.js', import.meta.url));

/** No BASE44_* settings and no NODE_OPTIONS leak in from the caller's shell. */
export const ENV = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('BASE44_') && name !== 'NODE_OPTIONS'),
);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a `base44-server` admin command and returns its stdout (the new id or secret). */
export function admin(args, { dataDir, databaseUrl }) {
  const db = databaseUrl ? ['--database-url', databaseUrl] : [];
  return execFileSync(process.execPath, [SERVER_BIN, ...args, '--data-dir', dataDir, ...db], {
    cwd: ROOT,
    env: ENV,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

async function waitForHealth(url, child, logFile) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${url} exited with ${child.exitCode}:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    }
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return;
    } catch {}
    await sleep(100);
  }
  throw new Error(`${url} did not answer /health within 30 s`);
}

function started(child, url, logFile, name) {
  return {
    name,
    url,
    pid: child.pid,
    logFile,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Starts `base44-server start [--sandbox]` on `port`; its log goes to `logFile`. */
export async function startServer({
  name,
  port,
  dataDir,
  databaseUrl,
  logFile,
  logLevel,
  sandbox = true,
  nodeArgs = [],
}) {
  const url = `http://127.0.0.1:${port}`;
  const args = [...nodeArgs, SERVER_BIN, 'start', '--port', String(port), '--data-dir', dataDir];
  if (sandbox) args.push('--sandbox');
  if (databaseUrl) args.push('--database-url', databaseUrl);
  if (logLevel) args.push('--log-level', logLevel);
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, args, { cwd: ROOT, env: ENV, stdio: ['ignore', out, out] });
  await waitForHealth(url, child, logFile);
  return started(child, url, logFile, name);
}

/** Starts the bare Fastify route of token-baseline.mjs, answering `body` as JSON. */
export async function startBaseline({ port, body, logFile }) {
  const url = `http://127.0.0.1:${port}`;
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [BASELINE, String(port), JSON.stringify(body)], {
    cwd: ROOT,
    env: ENV,
    stdio: ['ignore', out, out],
  });
  await waitForHealth(url, child, logFile);
  return started(child, url, logFile, 'baseline');
}

/** Resident memory of a process, in MiB (VmRSS of /proc/<pid>/status). */
export function rssMib(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
  return kib / 1024;
}

/**
 * One autocannon run in its own process: `-c connections`, for `duration` seconds or `amount`
 * requests. Resolves to autocannon's JSON result.
 */
export function autocannon(url, { connections, duration, amount, headers = {} }) {
  const args = [AUTOCANNON, '-j', '-c', String(connections)];
  if (amount) args.push('-a', String(amount));
  else args.push('-d', String(duration));
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}=${value}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited with ${code}:\n${stderr}`));
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(new Error(`autocannon printed no JSON:\n${stdout}\n${stderr}`));
      }
    });
  });
}

/** CPU time (user + system) a process has used so far, in seconds (/proc/<pid>/stat, 100 ticks/s). */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ", field 3 (state) is index 0: utime is field 14, stime field 15.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A TCP port free on 127.0.0.1 right now (the kernel picks it; fixed ports collide with ephemeral ones). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
