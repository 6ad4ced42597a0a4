// Helpers for bench/push-latency.mjs and bench/push-public-api.mjs: a `base44-server --sandbox` on a
// fresh SQLite directory, a loopback proxy that delays every request and counts them, a cookie-jar
// HTTP client that walks the sandbox's sign-in and consent pages, CLI runners (ours and the public
// `base44` 0.1.18, plain or in a pseudo-terminal), and the floor: one bare request from a fresh Node.

import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { consent as consentInSandbox } from './sandbox-browser.mjs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SERVER_BIN = join(ROOT, 'packages/server/dist/bin.js');
export const CLI_BIN = join(ROOT, 'packages/cli/dist/bin.js');
export const PUBLIC_CLI_VERSION = '0.1.18';
const PUBLIC_CLI_CACHE = join(ROOT, 'node_modules/.cache/base44-public-cli');

const run = promisify(execFile);

/** This process's environment without BASE44_* and NODE_OPTIONS. */
export function cleanEnv(extra = {}) {
  const inherited = Object.entries(process.env).filter(
    ([name]) => !name.startsWith('BASE44_') && name !== 'NODE_OPTIONS',
  );
  return { ...Object.fromEntries(inherited), NO_COLOR: '1', ...extra };
}

/**
 * The environment either CLI pushes in: this process's without BASE44_*, the server (or a proxy in
 * front of it) and a workspace key, no telemetry or update check for the public CLI, not
 * interactive; `extra` last.
 */
export function cliPushEnv({ home, apiUrl, apiKey }, extra = {}) {
  return cleanEnv({
    HOME: home,
    CI: '1',
    BASE44_API_URL: apiUrl,
    BASE44_API_KEY: apiKey,
    BASE44_DISABLE_TELEMETRY: '1',
    BASE44_CLI_TEST_OVERRIDES: JSON.stringify({ latestVersion: null }),
    ...extra,
  });
}

/** `count` generated providers (types bench-0001…) for a `--providers-file`, played by the sandbox. */
export function benchCatalog(count) {
  return Array.from({ length: count }, (_, i) => {
    const type = `bench-${String(i + 1).padStart(4, '0')}`;
    // The shape of a plain authorization-code provider (compare storage.ts, business.ts).
    return {
      type,
      displayName: `Bench ${i + 1}`,
      description: 'A generated provider for the push benchmark',
      docsUrl: 'https://example.com/oauth',
      authorization: { url: `https://example.com/${type}/oauth/authorize` },
      token: {
        url: `https://example.com/${type}/oauth/token`,
        clientAuthentication: 'client_secret_post',
        response: {
          accessToken: 'access_token',
          refreshToken: 'refresh_token',
          expiresIn: 'expires_in',
          scope: 'scope',
        },
      },
      userInfo: { url: `https://example.com/${type}/api/me`, emailPath: 'email' },
      scopeSeparator: ' ',
      defaultScopes: ['items:read', 'items:write'],
      pkce: true,
    };
  });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function admin(args) {
  const { stdout } = await run(process.execPath, [SERVER_BIN, ...args], { env: cleanEnv() });
  return stdout.trim();
}

/**
 * `base44-server start --sandbox` on a fresh data directory (SQLite), with one user, one app and a
 * workspace key made beforehand by the server's admin commands; `publicApiOnly` adds
 * `--public-api-only` (the Base44 cloud's contract: no extensions, no status long-poll).
 */
export async function startServer({ providersFile, label = 'bench', publicApiOnly = false } = {}) {
  const dataDir = await mkdtemp(join(ROOT, 'node_modules/.cache/', `push-bench-${label}-`));
  const flags = ['--data-dir', dataDir];
  const email = 'bench@example.com';
  await admin(['users', 'add', '--email', email, ...flags]);
  const appId = await admin(['apps', 'create', '--name', 'Push bench', '--owner', email, ...flags]);
  const apiKey = await admin(['keys', 'create', '--email', email, ...flags]);
  const port = await freePort();
  const args = [SERVER_BIN, 'start', '--sandbox', '--port', String(port), '--log-level', 'warn', ...flags];
  if (providersFile) args.push('--providers-file', providersFile);
  if (publicApiOnly) args.push('--public-api-only');
  const child = spawn(process.execPath, args, { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const read = (chunk) => {
      output += chunk;
      const match = /base44-server listening on (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  // Keep draining its output so it never blocks on a full pipe.
  child.stdout.resume();
  child.stderr.resume();
  return {
    url,
    appId,
    apiKey,
    email,
    dataDir,
    child,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A loopback HTTP proxy to `target` that holds every request `delayMs` before forwarding it and
 * every response `delayMs` before answering it (so each round trip costs 2 × delayMs), and counts
 * the requests it forwards (by method and path, ids and types folded).
 */
export async function startDelayProxy(target, delayMs) {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  const state = { count: 0, byRoute: new Map(), timeline: [], t0: performance.now() };
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const server = http.createServer(async (req, res) => {
    state.count += 1;
    const route = `${req.method} ${req.url
      .split('?')[0]
      .replace(/\/api\/apps\/[^/]+/, '/api/apps/{id}')
      .replace(/\/(integrations|tokens)\/[^/]+/, '/$1/{type}')}`;
    state.byRoute.set(route, (state.byRoute.get(route) ?? 0) + 1);
    const event = { route, url: req.url, arrived_ms: performance.now() - state.t0 };
    state.timeline.push(event);
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    await sleep(delayMs);
    const sent = performance.now();
    const headers = { ...req.headers, host: upstream.host };
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
      async (answer) => {
        const body = [];
        for await (const chunk of answer) body.push(chunk);
        event.server_ms = performance.now() - sent;
        event.status = answer.statusCode;
        await sleep(delayMs);
        event.answered_ms = performance.now() - state.t0;
        const out = { ...answer.headers };
        delete out['transfer-encoding'];
        delete out.connection;
        delete out['keep-alive'];
        out['content-length'] = String(Buffer.concat(body).length);
        res.writeHead(answer.statusCode ?? 502, out);
        res.end(Buffer.concat(body));
      },
    );
    forward.on('error', (error) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
    forward.end(Buffer.concat(chunks));
  });
  const port = await new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(server.address().port)),
  );
  return {
    url: `http://127.0.0.1:${port}`,
    reset() {
      state.count = 0;
      state.byRoute = new Map();
      state.timeline = [];
      state.t0 = performance.now();
    },
    /**
     * What was forwarded since the last reset. `urls: true` adds each request's path and query to
     * its timeline entry; `t0` is the reset's `performance.now()` (the proxy runs in this process).
     */
    snapshot({ urls = false } = {}) {
      const timeline = state.timeline.map((e) => ({
        route: e.route,
        ...(urls ? { url: e.url } : {}),
        status: e.status,
        arrived_ms: Math.round(e.arrived_ms),
        server_ms: Math.round(e.server_ms * 10) / 10,
        answered_ms: Math.round(e.answered_ms),
      }));
      return {
        count: state.count,
        byRoute: Object.fromEntries([...state.byRoute].sort()),
        timeline,
        t0: state.t0,
      };
    },
    stop() {
      agent.destroy();
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Opens an authorization link, signs in to the sandbox as `email`, allows, and sends the callback. */
export async function consent(redirectUrl, email) {
  const done = await consentInSandbox(redirectUrl, email);
  if (done.status >= 400) throw new Error(`callback answered ${done.status}: ${done.body.slice(0, 500)}`);
  return done;
}

/** The connector API of one app, straight to the server (not through the proxy). */
export function connectorApi(server) {
  const base = `${server.url}/api/apps/${server.appId}/external-auth`;
  const headers = { api_key: server.apiKey, 'content-type': 'application/json' };
  const json = async (response, what) => {
    const text = await response.text();
    if (!response.ok) throw new Error(`${what}: ${response.status} ${text.slice(0, 500)}`);
    return text ? JSON.parse(text) : undefined;
  };
  return {
    async available() {
      return json(await fetch(`${base}/available-integrations`, { headers }), 'available-integrations');
    },
    async put(type, scopes) {
      return json(
        await fetch(`${base}/integrations/${type}`, {
          method: 'PUT',
          headers,
          body: JSON.stringify({ scopes }),
        }),
        `PUT ${type}`,
      );
    },
    async list() {
      return json(await fetch(`${base}/list`, { headers }), 'list');
    },
    /** Removes a connector (pending or not); false when the app has none of that type. */
    async remove(type) {
      const response = await fetch(`${base}/integrations/${type}/remove`, { method: 'DELETE', headers });
      if (response.status === 404) return false;
      await json(response, `DELETE ${type}`);
      return true;
    },
  };
}

/** Runs `fn` over `items` with at most `limit` at a time. */
export async function pool(items, limit, fn) {
  let next = 0;
  const results = new Array(items.length);
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index], index);
    }
  });
  await Promise.all(workers);
  return results;
}

/** A project folder both CLIs read: base44/config.jsonc, base44/.app.jsonc, base44/connectors/*.jsonc. */
export async function writeProject(root, appId, connectors) {
  const dir = join(root, 'base44', 'connectors');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(join(root, 'base44', 'config.jsonc'), '// push benchmark\n{ "name": "Push bench" }\n');
  await writeFile(join(root, 'base44', '.app.jsonc'), `${JSON.stringify({ id: appId })}\n`);
  for (const { type, scopes } of connectors)
    await writeFile(join(dir, `${type}.jsonc`), `${JSON.stringify({ type, scopes })}\n`);
}

/** The public CLI's entry point, fetched with `npm pack` into node_modules/.cache the first time. */
export async function publicCliEntry(version = PUBLIC_CLI_VERSION) {
  const dir = join(PUBLIC_CLI_CACHE, version);
  const entry = join(dir, 'package', 'bin', 'run.js');
  if (existsSync(entry)) return entry;
  await mkdir(PUBLIC_CLI_CACHE, { recursive: true });
  const staging = await mkdtemp(join(PUBLIC_CLI_CACHE, `${version}.partial-`));
  try {
    await run('npm', ['pack', `base44@${version}`, '--pack-destination', staging], { cwd: staging });
    await run('tar', ['-xzf', `base44-${version}.tgz`, 'package'], { cwd: staging });
    await rm(join(staging, `base44-${version}.tgz`));
    await rename(staging, dir).catch((error) => {
      if (!existsSync(entry)) throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return entry;
}

/** Runs a CLI to its end; resolves { ms, code, output }. */
export function timeCli(args, { cwd, env, timeoutMs = 600_000 }) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, code, output });
    });
  });
}

/**
 * The physical floor of any CLI run over the link: a fresh `node` process that makes one bare
 * `node:http` GET of `url` (with `headers`) and exits when the answer is read. Resolves like timeCli.
 */
export function timeBareRequest(url, { headers = {}, env = cleanEnv() } = {}) {
  const program = `const http = require('node:http');
http.get(process.argv[1], { headers: JSON.parse(process.argv[2]) }, (res) => {
  res.resume();
  res.on('end', () => process.exit(res.statusCode < 400 ? 0 : 1));
}).on('error', () => process.exit(2));`;
  return timeCli(['-e', program, url, JSON.stringify(headers)], { cwd: ROOT, env, timeoutMs: 30_000 });
}

/** util-linux `script`, which gives a child a pseudo-terminal; false where it is missing. */
export function hasScript() {
  return spawnSync('script', ['--version']).error === undefined;
}

/**
 * Runs `args` (node's arguments) in a pseudo-terminal (`script -qfec … /dev/null`), so the CLI is
 * interactive. Returns the child, its output so far (`output()`) and a promise of its exit code.
 */
export function spawnInTerminal(args, { cwd, env }) {
  const quote = (value) => `'${String(value).replaceAll("'", `'\\''`)}'`;
  const command = [process.execPath, ...args].map(quote).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('close', (code) => resolve(code)));
  return { child, exited, output: () => output };
}
