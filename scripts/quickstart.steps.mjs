// The quickstart's steps that touch the world: the build, the server's admin commands, the server
// process, the files it writes and the CLI. scripts/quickstart.mjs runs them in order and talks.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** Everything the quickstart keeps (database, secrets, account, log), never ~/.base44-server. */
export const DATA_DIR = resolve(process.env.BASE44_QUICKSTART_DIR || join(ROOT, '.quickstart'));
export const PROJECT = join(ROOT, 'examples', 'quickstart');
export const SERVER_BIN = join(ROOT, 'packages', 'server', 'dist', 'bin.js');
export const CLI_BIN = join(ROOT, 'packages', 'cli', 'dist', 'bin.js');
export const APP_NAME = 'Quickstart';
const EMAIL = 'quickstart@example.com';
const PREFERRED_PORT = 4044;

export const FILES = {
  /** The account's email and password, the app id and both keys: made once, read back after. */
  state: join(DATA_DIR, 'quickstart.json'),
  /** The pid and URL of the server while a quickstart runs it. */
  server: join(DATA_DIR, 'server.json'),
  log: join(DATA_DIR, 'server.log'),
  /** Exports for another shell: `. .quickstart/env`. */
  env: join(DATA_DIR, 'env'),
  database: join(DATA_DIR, 'base44.db'),
  appFile: join(PROJECT, 'base44', '.app.jsonc'),
};

/** A path as the person should see it: relative to where they are, unless that climbs out. */
export function shown(path) {
  const fromHere = relative(process.cwd(), path);
  return fromHere && !fromHere.startsWith('..') ? fromHere : path;
}

/** A child process and the promise of its end: `{ code, output }`, the output only when piped. */
export function runChild(command, args, options) {
  const child = spawn(command, args, options);
  let output = '';
  const keep = (chunk) => {
    output += chunk;
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const finished = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? signal, output }));
  });
  return { child, finished };
}

/** `npm run build`, quietly: its output is only worth showing when it fails. */
export function build() {
  const [command, args] = process.env.npm_execpath
    ? [process.execPath, [process.env.npm_execpath, 'run', 'build']]
    : ['npm', ['run', 'build']];
  return runChild(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The account, app and keys: made with the server's admin commands the first time, then read back. */
export async function prepareAccount() {
  const saved = existsSync(FILES.database) && existsSync(FILES.state);
  const state = saved ? JSON.parse(readFileSync(FILES.state, 'utf8')) : { email: EMAIL };
  const made = !(state.password && state.appId && state.apiKey && state.serviceToken);
  const save = () => writeFileSync(FILES.state, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  if (!state.password) {
    const password = randomBytes(12).toString('base64url');
    await admin(['users', 'add', '--email', state.email, '--password-stdin'], password);
    state.password = password;
    save();
  }
  if (!state.appId) {
    state.appId = await admin(['apps', 'create', '--name', APP_NAME, '--owner', state.email]);
    save();
  }
  if (!state.apiKey) {
    state.apiKey = await admin(['keys', 'create', '--email', state.email]);
    save();
  }
  if (!state.serviceToken) {
    state.serviceToken = await admin(['keys', 'create', '--service', '--app', state.appId]);
    save();
  }
  return { state, made };
}

function admin(args, stdin = '') {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [SERVER_BIN, ...args, '--data-dir', DATA_DIR],
      { timeout: 30_000 },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout.trim());
        const hint = /exists/i.test(stderr) ? ` (remove ${shown(DATA_DIR)}/ to start over)` : '';
        reject(new Error(`base44-server ${args.slice(0, 2).join(' ')}: ${stderr.trim()}${hint}`));
      },
    );
    child.stdin.end(stdin);
  });
}

/** The server a quickstart in another terminal runs on this data directory, if it still answers. */
export async function findRunningServer() {
  if (!existsSync(FILES.server)) return undefined;
  const { pid, url } = JSON.parse(readFileSync(FILES.server, 'utf8'));
  if (isAlive(pid) && (await isHealthy(url))) return { pid, url, owned: false };
  rmSync(FILES.server, { force: true });
  return undefined;
}

/** 4044 when it is free, else any free port. */
export async function choosePort() {
  const listen = (port) =>
    new Promise((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(undefined));
      probe.listen(port, '127.0.0.1', () => {
        const { port: bound } = probe.address();
        probe.close(() => resolve(bound));
      });
    });
  return (await listen(PREFERRED_PORT)) ?? (await listen(0));
}

/**
 * `base44-server start --sandbox` in a process group of its own: Ctrl-C reaches the quickstart,
 * which stops the server once, and the server's log goes to a file instead of the terminal.
 */
export function launchServer(port) {
  const log = openSync(FILES.log, 'a');
  const args = ['start', '--sandbox', '--port', String(port), '--data-dir', DATA_DIR, '--log-level', 'warn'];
  const child = spawn(process.execPath, [SERVER_BIN, ...args], {
    stdio: ['ignore', log, log],
    detached: true,
  });
  closeSync(log);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  return { pid: child.pid, url: `http://127.0.0.1:${port}`, owned: true, child, exited };
}

export async function untilHealthy(server) {
  const deadline = Date.now() + 20_000;
  while (!(await isHealthy(server.url))) {
    if (server.child.exitCode !== null || Date.now() > deadline) {
      const tail = readFileSync(FILES.log, 'utf8').trim().split('\n').slice(-5).join('\n');
      throw new Error(`the server did not start; the end of ${shown(FILES.log)}:\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  writeFileSync(FILES.server, `${JSON.stringify({ pid: server.pid, url: server.url })}\n`);
}

/** SIGTERM (the server closes and exits), SIGKILL after 10 s; sends the signal before it awaits. */
export async function stopServer(server) {
  if (server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGTERM');
    const killer = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
    await server.exited;
    clearTimeout(killer);
  }
  rmSync(FILES.server, { force: true });
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function isHealthy(url) {
  try {
    return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

/** The project's `base44/.app.jsonc`: not committed, since the app id comes from your server. */
export function writeAppFile(appId) {
  const text = `// Written by \`npm run quickstart\`: the app it made on your local server.\n{ "id": "${appId}" }\n`;
  if (!existsSync(FILES.appFile) || readFileSync(FILES.appFile, 'utf8') !== text)
    writeFileSync(FILES.appFile, text);
}

export function writeEnvFile(url, state) {
  const quote = (value) => `'${String(value).replaceAll("'", `'\\''`)}'`;
  const lines = [
    `# Written by \`npm run quickstart\`: \`. ${shown(FILES.env)}\` points a shell at the quickstart's server.`,
    `export BASE44_API_URL=${quote(url)}`,
    `export BASE44_API_KEY=${quote(state.apiKey)}`,
    `export BASE44_APP_ID=${quote(state.appId)}`,
    `export BASE44_SERVICE_TOKEN=${quote(state.serviceToken)}`,
    `alias base44=${quote(`node ${quote(CLI_BIN)}`)}`,
    '',
  ];
  writeFileSync(FILES.env, lines.join('\n'), { mode: 0o600 });
}

/**
 * Our `base44 connectors push` in the example project, with the workspace key and this server:
 * nothing from the person's own login or settings. Without a terminal its output is also kept.
 */
export function push(url, state, interactive) {
  const env = { ...process.env, BASE44_API_URL: url, BASE44_API_KEY: state.apiKey };
  delete env.BASE44_ACCESS_TOKEN;
  delete env.BASE44_APP_ID;
  const run = runChild(process.execPath, [CLI_BIN, 'connectors', 'push'], {
    cwd: PROJECT,
    env,
    stdio: interactive ? 'inherit' : ['inherit', 'pipe', 'inherit'],
  });
  run.child.stdout?.on('data', (chunk) => process.stdout.write(chunk));
  return run;
}
