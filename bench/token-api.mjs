#!/usr/bin/env node
// The token API under load (`GET /api/apps/{appId}/external-auth/tokens/{type}` with a service key),
// on SQLite and on PostgreSQL, against a bare Fastify route answering a like JSON body; two server
// instances on one PostgreSQL against one; and the server's resident memory idle and over a long run.
//
//   npm run build && node bench/token-api.mjs [--duration S] [--rounds N] [--memory-requests N]
//                                             [--database-url postgres://…] [--no-postgres]
//                                             [--profile] [--check]
//
// Every server and every autocannon run is its own process. Rows are measured in rounds, the order
// rotated each round, and the table shows medians. Results go to bench/results/latest.json under
// "token_api"; other keys in that file are kept. `--check` exits 1 when a target is missed.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measuredOn, RESULTS, round, writeResult } from './lib/results.mjs';
import { connectWithSandbox } from './lib/token-consent.mjs';
import { summariseProfile } from './lib/token-profile.mjs';
import {
  admin,
  autocannon,
  cpuSeconds,
  freePort,
  rssMib,
  SERVER_BIN,
  startBaseline,
  startServer,
} from './lib/token-server.mjs';

/** Issue 6: ≥ 50 % of the bare route's req/s, p99 < 10 ms; two instances ≥ 1.6× one; idle < 100 MiB, no growth. */
const TARGETS = {
  throughput_ratio_min: 0.5,
  p99_ms_max: 10,
  scale_out_ratio_min: 1.6,
  idle_rss_mib_max: 100,
  // "No growth after the warm-up": the last sample may exceed the one after warm-up by at most this.
  rss_growth_mib_max: 10,
};

const { values: options } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    'warm-up': { type: 'string', default: '3' },
    connections: { type: 'string', default: '100' },
    'memory-requests': { type: 'string', default: '200000' },
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    'no-postgres': { type: 'boolean', default: false },
    'log-level': { type: 'string' },
    profile: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});

function positive(text, flag) {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} must be a positive integer`);
  return value;
}
const DURATION = positive(options.duration, '--duration');
const ROUNDS = positive(options.rounds, '--rounds');
const WARM_UP = positive(options['warm-up'], '--warm-up');
const CONNECTIONS = positive(options.connections, '--connections');
const MEMORY_REQUESTS = Number(options['memory-requests']);
const POSTGRES = !options['no-postgres'];
const TYPE = 'slack';

if (!existsSync(SERVER_BIN)) {
  console.error(`${SERVER_BIN} is missing: run \`npm run build\` first`);
  process.exit(2);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (message) => console.error(`[token-api ${new Date().toISOString().slice(11, 19)}] ${message}`);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  return (sorted[Math.floor(mid)] + sorted[Math.ceil(mid)]) / 2;
}

const work = mkdtempSync(join(tmpdir(), 'base44-token-bench-'));
const schema = `bench_${randomBytes(6).toString('hex')}`;
const databaseUrl = (() => {
  const url = new URL(options['database-url']);
  url.searchParams.set('schema', schema);
  return url.href;
})();
const running = [];

/** A user, an app, a workspace key (to connect) and a service key (to read tokens). */
function provision(dataDir, database) {
  const o = { dataDir, databaseUrl: database };
  admin(['users', 'add', '--email', 'bench@example.com'], o);
  const appId = admin(['apps', 'create', '--name', 'Token bench', '--owner', 'bench@example.com'], o);
  const workspaceKey = admin(['keys', 'create', '--email', 'bench@example.com'], o);
  const serviceKey = admin(['keys', 'create', '--service', '--app', appId], o);
  return { appId, workspaceKey, serviceKey };
}

async function server(name, port, dataDir, database, extra = {}) {
  const s = await startServer({
    name,
    port,
    dataDir,
    databaseUrl: database,
    logFile: join(work, `${name}.log`),
    logLevel: options['log-level'],
    ...extra,
  });
  running.push(s);
  return s;
}

/** Samples VmRSS a few times over `ms` and returns the median. */
async function settledRss(pid, ms = 2000) {
  const samples = [];
  for (let i = 0; i < 5; i++) {
    await sleep(ms / 5);
    samples.push(rssMib(pid));
  }
  return median(samples);
}

function target(s, account) {
  return {
    pid: s.pid,
    url: `${s.url}/api/apps/${account.appId}/external-auth/tokens/${TYPE}`,
    headers: { authorization: `Bearer ${account.serviceKey}`, 'x-app-id': account.appId },
  };
}

function summary(result) {
  return {
    requests_per_s: result.requests.average,
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    max_ms: result.latency.max,
    requests: result.requests.total,
    non_2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** One autocannon run against `t`, with the CPU time the server process spent per request. */
async function load(t, connections = CONNECTIONS, duration = DURATION) {
  const cpuBefore = cpuSeconds(t.pid);
  const run = summary(await autocannon(t.url, { connections, duration, headers: t.headers }));
  run.server_cpu_us_per_request = round(((cpuSeconds(t.pid) - cpuBefore) / run.requests) * 1e6);
  return run;
}

function checkClean(name, run) {
  if (run.non_2xx > 0 || run.errors > 0) {
    throw new Error(
      `${name}: ${run.non_2xx} non-2xx answers and ${run.errors} errors in ${run.requests} requests`,
    );
  }
}

async function cleanUp() {
  await Promise.all(running.map((s) => s.stop()));
  if (POSTGRES) {
    try {
      const require = createRequire(new URL('../packages/server/package.json', import.meta.url));
      const pg = require('pg');
      const client = new pg.Client({ connectionString: options['database-url'] });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    } catch (error) {
      console.error(`could not drop schema ${schema}: ${error.message}`);
    }
  }
  if (!options.keep) rmSync(work, { recursive: true, force: true });
}

process.on('SIGINT', () => cleanUp().finally(() => process.exit(130)));

async function main() {
  const ports = {};
  for (const name of ['baseline', 'sqlite', 'pgA', 'pgB', 'bare', 'prof']) ports[name] = await freePort();
  const load_before = loadavg()[0];

  // --- Set-up: accounts, servers, one connector approved in the sandbox on each database.
  const sqliteDir = join(work, 'sqlite');
  const pgDir = join(work, 'pg');
  mkdirSync(sqliteDir);
  mkdirSync(pgDir);
  log(`provisioning (SQLite in ${sqliteDir}${POSTGRES ? `, PostgreSQL schema ${schema}` : ''})`);
  const sqliteAccount = provision(sqliteDir);
  const pgAccount = POSTGRES ? provision(pgDir, databaseUrl) : null;

  // Idle memory, for reference without the sandbox provider mounted (a fresh data dir).
  const bareDir = join(work, 'bare');
  mkdirSync(bareDir);
  const bare = await startServer({
    name: 'no-sandbox',
    port: ports.bare,
    dataDir: bareDir,
    logFile: join(work, 'bare.log'),
    sandbox: false,
  });
  const idleNoSandbox = await settledRss(bare.pid);
  await bare.stop();

  const sqlite = await server('sqlite', ports.sqlite, sqliteDir);
  const idleRss = await settledRss(sqlite.pid);
  log(`SQLite server up (pid ${sqlite.pid}), idle RSS ${round(idleRss)} MiB`);
  const pgA = POSTGRES ? await server('postgres', ports.pgA, pgDir, databaseUrl) : null;
  const idleRssPg = pgA ? await settledRss(pgA.pid) : null;

  await connectWithSandbox({
    serverUrl: sqlite.url,
    appId: sqliteAccount.appId,
    workspaceKey: sqliteAccount.workspaceKey,
    type: TYPE,
    scopes: ['chat:write'],
  });
  if (pgA)
    await connectWithSandbox({
      serverUrl: pgA.url,
      appId: pgAccount.appId,
      workspaceKey: pgAccount.workspaceKey,
      type: TYPE,
      scopes: ['chat:write'],
    });

  const targets = { sqlite: target(sqlite, sqliteAccount) };
  if (pgA) targets.postgres = target(pgA, pgAccount);
  let body;
  for (const [name, t] of Object.entries(targets)) {
    const response = await fetch(t.url, { headers: t.headers });
    const text = await response.text();
    if (response.status !== 200 || !JSON.parse(text).access_token)
      throw new Error(`${name}: ${response.status} ${text}`);
    body ??= JSON.parse(text);
  }
  const baseline = await startBaseline({ port: ports.baseline, body, logFile: join(work, 'baseline.log') });
  running.push(baseline);
  const idleRssBaseline = await settledRss(baseline.pid, 1000);
  targets.baseline = {
    pid: baseline.pid,
    url: `${baseline.url}/api/apps/${sqliteAccount.appId}/external-auth/tokens/${TYPE}`,
    headers: targets.sqlite.headers,
  };
  log(`response body ${JSON.stringify(body).length} bytes; baseline answers the same body`);

  // --- 1. Token API: baseline, SQLite, PostgreSQL; rounds, order rotated.
  const names = ['baseline', 'sqlite', ...(pgA ? ['postgres'] : [])];
  for (const name of names) {
    log(`warm-up ${name} (${WARM_UP} s)`);
    await load(targets[name], CONNECTIONS, WARM_UP);
  }
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(r + k) % names.length];
      const run = await load(targets[name]);
      checkClean(name, run);
      runs[name].push(run);
      log(`round ${r + 1} ${name}: ${Math.round(run.requests_per_s)} req/s, p99 ${run.p99_ms} ms`);
    }
  }
  const base = median(runs.baseline.map((x) => x.requests_per_s));
  const tokenApi = {};
  for (const name of names) {
    const rps = median(runs[name].map((x) => x.requests_per_s));
    tokenApi[name] = {
      requests_per_s: round(rps, 0),
      p50_ms: round(median(runs[name].map((x) => x.p50_ms))),
      p99_ms: round(median(runs[name].map((x) => x.p99_ms))),
      ratio_to_baseline: round(rps / base, 3),
      server_cpu_us_per_request: round(median(runs[name].map((x) => x.server_cpu_us_per_request))),
      runs: runs[name],
    };
  }

  // --- 2. Scale-out: one PostgreSQL instance with 100 connections against two with 50 each, at once.
  let scaleOut = null;
  if (pgA) {
    const pgB = await server('postgres-2', ports.pgB, pgDir, databaseUrl);
    const targetB = target(pgB, pgAccount);
    log('warm-up second PostgreSQL instance');
    await load(targetB, CONNECTIONS, WARM_UP);
    const one = [];
    const two = [];
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? ['one', 'two'] : ['two', 'one'];
      for (const which of order) {
        if (which === 'one') {
          const run = await load(targets.postgres, CONNECTIONS);
          checkClean('one instance', run);
          one.push(run);
        } else {
          const half = Math.floor(CONNECTIONS / 2);
          const [a, b] = await Promise.all([load(targets.postgres, half), load(targetB, CONNECTIONS - half)]);
          checkClean('instance A of two', a);
          checkClean('instance B of two', b);
          two.push({
            requests_per_s: a.requests_per_s + b.requests_per_s,
            p99_ms: Math.max(a.p99_ms, b.p99_ms),
            a,
            b,
          });
        }
      }
      log(
        `scale-out round ${r + 1}: one ${Math.round(one.at(-1).requests_per_s)} req/s, two ${Math.round(two.at(-1).requests_per_s)} req/s`,
      );
    }
    const oneRps = median(one.map((x) => x.requests_per_s));
    const twoRps = median(two.map((x) => x.requests_per_s));
    scaleOut = {
      one_instance: {
        requests_per_s: round(oneRps, 0),
        p99_ms: round(median(one.map((x) => x.p99_ms))),
        runs: one,
      },
      two_instances: {
        requests_per_s: round(twoRps, 0),
        p99_ms: round(median(two.map((x) => x.p99_ms))),
        runs: two,
      },
      ratio: round(twoRps / oneRps, 2),
    };
    await pgB.stop();
    running.splice(running.indexOf(pgB), 1);
  }

  // --- 3. Memory: the SQLite server (already through the rounds above) over a long run, in ten
  // slices; VmRSS after each slice. The warm-up is the first two slices.
  let memory = null;
  if (MEMORY_REQUESTS > 0) {
    const slices = 10;
    const per = Math.ceil(MEMORY_REQUESTS / slices);
    const samples = [{ after_requests: 0, rss_mib: round(rssMib(sqlite.pid)) }];
    let peak = 0;
    let slicePeak = 0;
    const timer = setInterval(() => {
      try {
        const now = rssMib(sqlite.pid);
        peak = Math.max(peak, now);
        slicePeak = Math.max(slicePeak, now);
      } catch {}
    }, 250);
    let done = 0;
    const started = Date.now();
    for (let i = 0; i < slices; i++) {
      const result = await autocannon(targets.sqlite.url, {
        connections: CONNECTIONS,
        amount: per,
        headers: targets.sqlite.headers,
      });
      const run = summary(result);
      checkClean('memory run', run);
      done += run.requests;
      samples.push({
        after_requests: done,
        rss_mib: round(rssMib(sqlite.pid)),
        slice_peak_rss_mib: round(slicePeak),
      });
      slicePeak = 0;
      log(`memory: ${done} requests, RSS ${samples.at(-1).rss_mib} MiB`);
    }
    clearInterval(timer);
    // RSS after a slice swings by tens of MiB with the collections (V8 gives pages back, then takes
    // them again), so single samples compare badly. Growth is judged on the high-water mark of each
    // slice (sampled every 250 ms): the highest of the last four slices minus the highest of the
    // four after the warm-up (slices 3–6). A leak raises the high-water mark; breathing does not.
    const steady = samples.slice(2).map((s) => s.rss_mib);
    const peaks = samples.slice(3).map((s) => s.slice_peak_rss_mib);
    const afterWarmUp = Math.max(...peaks.slice(0, 4));
    const last = Math.max(...peaks.slice(-4));
    memory = {
      requests: done,
      seconds: round((Date.now() - started) / 1000),
      idle_rss_mib: round(idleRss),
      idle_rss_mib_postgres: idleRssPg === null ? null : round(idleRssPg),
      idle_rss_mib_without_sandbox: round(idleNoSandbox),
      idle_rss_mib_bare_fastify: round(idleRssBaseline),
      after_warm_up_rss_mib: afterWarmUp,
      final_rss_mib: last,
      growth_method:
        'highest RSS (sampled every 250 ms) of the last 4 slices minus that of slices 3-6; the first 2 of 10 slices are the warm-up',
      steady_min_mib: Math.min(...steady),
      steady_max_mib: Math.max(...steady),
      peak_rss_mib: round(peak),
      growth_after_warm_up_mib: round(last - afterWarmUp),
      samples,
    };
  }

  // --- Optional: a CPU profile of the SQLite server under the same load.
  let profile = null;
  if (options.profile) {
    const profDir = join(work, 'cpu-prof');
    mkdirSync(profDir);
    await sqlite.stop();
    running.splice(running.indexOf(sqlite), 1);
    const prof = await server('profiled', ports.prof, sqliteDir, undefined, {
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`],
    });
    const t = target(prof, sqliteAccount);
    await load(t, CONNECTIONS, WARM_UP);
    const run = await load(t);
    await prof.stop();
    running.splice(running.indexOf(prof), 1);
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    profile = {
      ...summariseProfile(join(profDir, file)),
      requests: run.requests,
      requests_per_s_under_profiler: Math.round(run.requests_per_s),
    };
    // Kept outside the repository (it is half a megabyte): open it in Chrome DevTools or speedscope.
    const keptProfile = join(tmpdir(), 'base44-token-api.cpuprofile');
    renameSync(join(profDir, file), keptProfile);
    profile.file = keptProfile;
  }

  // --- Verdict, results, table.
  const dbNames = names.filter((n) => n !== 'baseline');
  const verdict = {
    throughput_ok: dbNames.every((n) => tokenApi[n].ratio_to_baseline >= TARGETS.throughput_ratio_min),
    p99_ok: dbNames.every((n) => tokenApi[n].p99_ms < TARGETS.p99_ms_max),
    scale_out_ok: scaleOut ? scaleOut.ratio >= TARGETS.scale_out_ratio_min : null,
    idle_rss_ok: memory ? memory.idle_rss_mib < TARGETS.idle_rss_mib_max : null,
    no_growth_ok: memory ? memory.growth_after_warm_up_mib <= TARGETS.rss_growth_mib_max : null,
  };
  const result = {
    ...measuredOn(),
    load_average_before: round(load_before, 2),
    load_average_after: round(loadavg()[0], 2),
    duration_s: DURATION,
    rounds: ROUNDS,
    connections: CONNECTIONS,
    log_level: options['log-level'] ?? 'server default (info)',
    response_bytes: JSON.stringify(body).length,
    targets: TARGETS,
    token_api: tokenApi,
    scale_out: scaleOut,
    memory,
    profile,
    verdict,
  };

  writeResult('token_api', result);

  const ok = (v) => (v === null ? 'n/a' : v ? 'ok' : 'MISSED');
  console.log(
    `${ROUNDS} rounds × ${DURATION} s, ${CONNECTIONS} connections, ${result.cpus} × ${result.cpu_model}, Node ${process.version}, load ${result.load_average_before} → ${result.load_average_after}`,
  );
  const table = [['target', 'req/s', 'p50 ms', 'p99 ms', '× baseline', 'server CPU µs/req']];
  for (const name of names) {
    const t = tokenApi[name];
    table.push([
      name === 'baseline'
        ? 'bare Fastify route'
        : `token API, ${name === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`,
      String(t.requests_per_s),
      t.p50_ms.toFixed(1),
      t.p99_ms.toFixed(1),
      t.ratio_to_baseline.toFixed(2),
      t.server_cpu_us_per_request.toFixed(0),
    ]);
  }
  if (scaleOut) {
    table.push([
      'PostgreSQL, 1 instance × 100 conn',
      String(scaleOut.one_instance.requests_per_s),
      '',
      scaleOut.one_instance.p99_ms.toFixed(1),
      '',
      '',
    ]);
    table.push([
      'PostgreSQL, 2 instances × 50 conn',
      String(scaleOut.two_instances.requests_per_s),
      '',
      scaleOut.two_instances.p99_ms.toFixed(1),
      `${scaleOut.ratio.toFixed(2)} × one`,
      '',
    ]);
  }
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  for (const row of table)
    console.log(row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  if (memory) {
    console.log(
      `memory (SQLite server): idle ${memory.idle_rss_mib} MiB (PostgreSQL ${memory.idle_rss_mib_postgres ?? 'n/a'}, without --sandbox ${memory.idle_rss_mib_without_sandbox}, bare Fastify ${memory.idle_rss_mib_bare_fastify}); ` +
        `high-water mark after warm-up ${memory.after_warm_up_rss_mib}, at the end ${memory.final_rss_mib} MiB (${memory.requests} requests); ` +
        `between slices ${memory.steady_min_mib}–${memory.steady_max_mib}, peak ${memory.peak_rss_mib}`,
    );
  }
  if (profile) {
    console.log(`CPU profile (${profile.file}), self time by package:`);
    for (const p of profile.packages.slice(0, 10))
      console.log(`  ${String(p.share).padStart(5)} %  ${p.name}`);
    console.log('top functions:');
    for (const f of profile.functions.slice(0, 12))
      console.log(`  ${String(f.share).padStart(5)} %  ${f.name}`);
  }
  console.log(
    `throughput ≥ ${TARGETS.throughput_ratio_min * 100} % ${ok(verdict.throughput_ok)}; p99 < ${TARGETS.p99_ms_max} ms ${ok(verdict.p99_ok)}; ` +
      `scale-out ≥ ${TARGETS.scale_out_ratio_min}× ${ok(verdict.scale_out_ok)}; idle < ${TARGETS.idle_rss_mib_max} MiB ${ok(verdict.idle_rss_ok)}; ` +
      `growth ≤ ${TARGETS.rss_growth_mib_max} MiB ${ok(verdict.no_growth_ok)}`,
  );
  console.log(`written to ${RESULTS} ("token_api")`);
  if (options.check && Object.values(verdict).some((v) => v === false)) process.exitCode = 1;
}

try {
  await main();
} finally {
  await cleanUp();
}
