#!/usr/bin/env node
// The soak run: 50 concurrent clients mixing pushes across 20 apps, status reads and long-polls, token
// reads with service keys, and whole authorizations (consent in the sandbox waking a long-poll), against the built `base44-server` (packages/server/dist/bin.js) on
// SQLite (one instance), then on PostgreSQL (two instances sharing a fresh schema, dropped at the
// end). It checks zero errors (every answer not expected is one; so is an error in a server's log),
// zero lost updates (each app ends as its last acknowledged push left it) and stable memory (the
// median RSS of the last third of the run against the middle third, after a warm-up under the same
// load in which V8's heap grows to its working size), and reports the requests served and p50/p99
// per kind of request.
//
//   npm run build && node scripts/soak.mjs [--duration S] [--warm-up S] [--clients N] [--apps N] [--no-postgres]
//                                          [--database-url postgres://…] [--out FILE] [--keep]
//
// --duration is the measured load time (default 600 s), split between the storages; each storage
// first runs --warm-up seconds (default 30) of the same load, counted but not judged for memory. Results go to
// bench/results/soak.json (or --out). Exits 1 when the verdict is not clean, 2 on bad usage.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { rssMib, SERVER_BIN } from '../bench/lib/token-server.mjs';
import { loadState, Recorder, runClients } from './soak-clients.mjs';
import { verify } from './soak-verify.mjs';
import { connectTokenApps, dropSchema, provision, startInstances, storageAt } from './soak-world.mjs';

const TOKEN_APPS = 4;
/** "Stable": the last third's median RSS exceeds the middle third's by at most this much (and 10 %). */
const RSS_GROWTH_MIB_MAX = 16;

const { values: options } = parseArgs({
  options: {
    duration: { type: 'string', default: '600' },
    'warm-up': { type: 'string', default: '30' },
    clients: { type: 'string', default: '50' },
    apps: { type: 'string', default: '20' },
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    'no-postgres': { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/results/soak.json' },
    keep: { type: 'boolean', default: false },
  },
});

function positive(flag, minimum = 1) {
  const value = Number(options[flag]);
  if (!Number.isInteger(value) || value < minimum) {
    console.error(`--${flag} must be a whole number of at least ${minimum} (got "${options[flag]}")`);
    process.exit(2);
  }
  return value;
}
const DURATION = positive('duration', 2);
const WARM_UP = positive('warm-up', 0);
const CLIENTS = positive('clients');
const APPS = positive('apps', TOKEN_APPS);
const KINDS = options['no-postgres'] ? ['sqlite'] : ['sqlite', 'postgres'];
const OUT = resolve(options.out);

if (!existsSync(SERVER_BIN)) {
  console.error(`${SERVER_BIN} is missing: run \`npm run build\` first`);
  process.exit(2);
}

const log = (message) => console.error(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}`);
const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const median = (values) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

function latencySummary(latencies) {
  return Object.fromEntries(
    Object.entries(latencies).map(([kind, list]) => {
      const sorted = [...list].sort((a, b) => a - b);
      const stat = (p) => round(percentile(sorted, p));
      return [kind, { requests: sorted.length, p50_ms: stat(50), p99_ms: stat(99), max_ms: stat(100) }];
    }),
  );
}

/** RSS every second for each instance, until stopped. */
function sampleMemory(instances) {
  const samples = Object.fromEntries(instances.map((instance) => [instance.name, []]));
  const timer = setInterval(() => {
    for (const instance of instances) samples[instance.name].push(round(rssMib(instance.pid)));
  }, 1000);
  return {
    stop() {
      clearInterval(timer);
      return Object.fromEntries(
        Object.entries(samples).map(([name, list]) => {
          const third = Math.floor(list.length / 3);
          const middle = median(list.slice(third, 2 * third));
          const last = median(list.slice(2 * third));
          const growth = round(last - middle);
          const stable = growth <= Math.max(RSS_GROWTH_MIB_MAX, middle * 0.1);
          return [
            name,
            { middle_third_mib: middle, last_third_mib: last, growth_mib: growth, stable, samples_mib: list },
          ];
        }),
      );
    },
  };
}

/** Lines of level error (50) or fatal (60) in the servers' logs. */
function loggedErrors(instances) {
  return instances.flatMap((instance) =>
    readFileSync(instance.logFile, 'utf8')
      .split('\n')
      .filter((line) => /"level":(5|6)0\b/.test(line))
      .map((line) => `${instance.name}: ${line.slice(0, 500)}`),
  );
}

async function soak(storage, account, work, seconds) {
  const instances = await startInstances(storage, storage.kind === 'postgres' ? 2 : 1, work);
  try {
    log(
      `${storage.kind}: ${instances.map((i) => `${i.name} pid ${i.pid}`).join(', ')}; approving ${TOKEN_APPS} token apps`,
    );
    await connectTokenApps(instances[0], account);
    const state = loadState({ instances, account });
    const recorder = new Recorder();
    log(`${storage.kind}: ${CLIENTS} clients for ${WARM_UP} s of warm-up, then ${seconds} s`);
    const started = performance.now();
    if (WARM_UP > 0) await runClients(state, recorder, { clients: CLIENTS, seconds: WARM_UP });
    const memory = sampleMemory(instances);
    await runClients(state, recorder, { clients: CLIENTS, seconds });
    const elapsed = (performance.now() - started) / 1000;
    const rss = memory.stop();
    const lost = await verify(state, recorder);
    const serverErrors = loggedErrors(instances);
    const run = {
      instances: instances.length,
      clients: CLIENTS,
      apps: APPS,
      seconds: round(elapsed),
      requests: recorder.requests,
      requests_per_s: round(recorder.requests / elapsed),
      pushes_acknowledged: state.apps.reduce((sum, app) => sum + app.acks.length, 0),
      conflicts_retried: recorder.conflicts,
      by_kind: latencySummary(recorder.latencies),
      errors: recorder.errorCount,
      first_errors: recorder.errors.slice(0, 20),
      server_log_errors: serverErrors.length,
      first_server_log_errors: serverErrors.slice(0, 10),
      lost_updates: lost.length,
      first_lost_updates: lost.slice(0, 5),
      memory: rss,
    };
    const summary = Object.entries(run.by_kind)
      .map(([kind, s]) => `${kind} ${s.requests} (p50 ${s.p50_ms} ms, p99 ${s.p99_ms} ms)`)
      .join('; ');
    log(`${storage.kind}: ${run.requests} requests (${run.requests_per_s}/s): ${summary}`);
    log(
      `${storage.kind}: ${run.errors} errors, ${run.server_log_errors} logged, ${run.lost_updates} lost updates, ${run.conflicts_retried} conflicts retried`,
    );
    for (const [name, m] of Object.entries(rss)) {
      log(
        `${storage.kind}: ${name} RSS ${m.middle_third_mib} → ${m.last_third_mib} MiB (${m.stable ? 'stable' : 'GROWING'})`,
      );
    }
    return run;
  } finally {
    await Promise.all(instances.map((instance) => instance.stop()));
  }
}

function verdictOf(runs) {
  const problems = [];
  for (const [kind, run] of Object.entries(runs)) {
    if (run.errors > 0) problems.push(`${kind}: ${run.errors} unexpected answers`);
    if (run.server_log_errors > 0)
      problems.push(`${kind}: ${run.server_log_errors} errors in the server logs`);
    if (run.lost_updates > 0) problems.push(`${kind}: ${run.lost_updates} apps lost an acknowledged push`);
    for (const [name, m] of Object.entries(run.memory)) {
      if (!m.stable)
        problems.push(`${kind}: ${name} RSS grew ${m.growth_mib} MiB between the middle and last thirds`);
    }
    for (const needed of ['plan', 'apply', 'status', 'long_poll', 'token', 'consent']) {
      if (!run.by_kind[needed]?.requests) problems.push(`${kind}: no ${needed} requests were made`);
    }
  }
  return { ok: problems.length === 0, problems };
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'base44-soak-'));
  const storages = KINDS.map((kind) => storageAt(work, kind, options['database-url']));
  const load_before = loadavg()[0];
  try {
    log(`provisioning ${APPS} apps on ${KINDS.join(' and ')} (${work})`);
    const accounts = await Promise.all(
      // One app more than pushes go to: the authorization cycle has it to itself.
      storages.map((storage) => provision(storage, { appCount: APPS + 1, tokenApps: TOKEN_APPS })),
    );
    const runs = {};
    for (const [index, storage] of storages.entries()) {
      runs[storage.kind] = await soak(storage, accounts[index], work, DURATION / storages.length);
    }
    const verdict = verdictOf(runs);
    const result = {
      finished_at: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        load_before: round(load_before, 2),
        load_after: round(loadavg()[0], 2),
      },
      node: process.version,
      duration_s: DURATION,
      runs,
      verdict,
    };
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
    log(`results in ${OUT}`);
    log(verdict.ok ? 'verdict: clean' : `verdict: FAILED\n  ${verdict.problems.join('\n  ')}`);
    return verdict.ok ? 0 : 1;
  } finally {
    for (const storage of storages) {
      await dropSchema(storage, options['database-url']).catch((error) =>
        console.error(`could not drop schema ${storage.schema}: ${error.message}`),
      );
    }
    if (options.keep) log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
