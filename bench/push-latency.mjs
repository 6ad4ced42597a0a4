#!/usr/bin/env node

// How long `base44 connectors push` takes over a slow link, and how many round trips it makes,
// against the public `base44` CLI 0.1.18 on the same server and the same link (issue 6: "push
// latency" and "push cost growth").
//
//   npm run build && node bench/push-latency.mjs [--runs N] [--delay MS] [--sizes 10,100,1000]
//                                                [--growth-runs N] [--public-growth-max N] [--check]
//
// 1. Latency: a `base44-server --sandbox` (SQLite), one connector file per catalog type (all of
//    `available-integrations`), every one authorized beforehand (sandbox sign-in and consent walked
//    over plain HTTP), half of the files with fewer scopes than were granted (a change that needs no
//    new consent). Each CLI pushes that project through a loopback proxy that adds DELAY ms each way
//    and counts the requests it forwards. Before every run the changed half is put back to its
//    granted scopes (straight to the server), so every run has the same 16 changes to apply.
//    Runs are interleaved (ours, public, public, ours, …) after one warm-up each.
// 2. Growth: the same with 10, 100 and 1,000 connectors of a generated catalog (`--providers-file`,
//    types bench-0001…), all authorized, half changed.
//
// Results go to bench/results/latest.json under "push_latency" (other keys are kept).

import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  benchCatalog,
  CLI_BIN,
  cliPushEnv,
  connectorApi,
  consent,
  pool,
  publicCliEntry,
  ROOT,
  startDelayProxy,
  startServer,
  timeCli,
  writeProject,
} from './lib/push-harness.mjs';
import { measuredOn, RESULTS, round, writeResult } from './lib/results.mjs';

const TARGETS = { latency_speedup_min: 10, round_trips_constant: true };

const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    delay: { type: 'string', default: '25' },
    sizes: { type: 'string', default: '10,100,1000' },
    'growth-runs': { type: 'string', default: '3' },
    // The public CLI makes a request per connector, one after another (~1 min at 1,000): above
    // 100 connectors it runs --public-large-runs times only; above --public-growth-max not at all.
    'public-growth-max': { type: 'string', default: '1000' },
    'public-large-runs': { type: 'string', default: '1' },
    'skip-latency': { type: 'boolean', default: false },
    'skip-growth': { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
  },
});
const RUNS = Number(options.runs);
const DELAY = Number(options.delay);
const SIZES = options.sizes.split(',').filter(Boolean).map(Number);
const GROWTH_RUNS = Number(options['growth-runs']);
const PUBLIC_GROWTH_MAX = Number(options['public-growth-max']);
const PUBLIC_LARGE_RUNS = Number(options['public-large-runs']);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  return (sorted[Math.floor(mid)] + sorted[Math.ceil(mid)]) / 2;
}
const log = (message) => process.stderr.write(`${message}\n`);

for (const file of [CLI_BIN, join(ROOT, 'packages/server/dist/bin.js')]) {
  if (!existsSync(file)) {
    console.error(`${file} is missing: run \`npm run build\` first`);
    process.exit(2);
  }
}
const PUBLIC_CLI = await publicCliEntry();

/** Granted scopes of a type: its default scopes, padded with made-up ones to at least two. */
function grantedScopes(defaults) {
  const scopes = [...defaults];
  for (const extra of ['bench.read', 'bench.write']) if (scopes.length < 2) scopes.push(extra);
  return scopes;
}

/**
 * Authorizes every connector straight on the server (PUT, then the sandbox's pages), a few at a
 * time, and checks the server lists them all active with the granted scopes.
 */
async function authorizeAll(server, connectors) {
  const api = connectorApi(server);
  const started = Date.now();
  await pool(connectors, 8, async ({ type, granted }) => {
    const answer = await api.put(type, granted);
    if (answer.already_authorized) return;
    if (!answer.redirect_url) throw new Error(`PUT ${type}: no redirect_url: ${JSON.stringify(answer)}`);
    await consent(answer.redirect_url, `${type}@example.com`);
  });
  await expectState(server, connectors, 'granted');
  return Date.now() - started;
}

/** Throws unless every connector is active with the scopes of `which` ('granted' or 'file'). */
async function expectState(server, connectors, which) {
  const { integrations } = await connectorApi(server).list();
  const byType = new Map(integrations.map((entry) => [entry.integration_type, entry]));
  for (const connector of connectors) {
    const entry = byType.get(connector.type);
    const want = which === 'granted' ? connector.granted : connector.scopes;
    if (entry?.status !== 'active' || [...entry.scopes].sort().join(' ') !== [...want].sort().join(' '))
      throw new Error(`${connector.type}: expected active ${want}, server has ${JSON.stringify(entry)}`);
  }
  if (integrations.length !== connectors.length)
    throw new Error(`expected ${connectors.length} connectors, server lists ${integrations.length}`);
}

/** Puts the changed half back to their granted scopes (no consent needed: the grant covers them). */
async function resetChanged(server, connectors) {
  const api = connectorApi(server);
  await pool(
    connectors.filter((c) => c.changed),
    8,
    async ({ type, granted }) => {
      const answer = await api.put(type, granted);
      if (!answer.already_authorized)
        throw new Error(`reset ${type} needs consent: ${JSON.stringify(answer)}`);
    },
  );
  await expectState(server, connectors, 'granted');
}

/** The connectors of a project: `granted` scopes authorized, every other one pushed with one scope fewer. */
function plan(types) {
  return types.map(({ type, defaults }, index) => {
    const granted = grantedScopes(defaults);
    const changed = index % 2 === 0;
    return { type, granted, changed, scopes: changed ? granted.slice(0, -1) : granted };
  });
}

const CLIS = {
  ours: { label: 'ours (base44 0.1.0, this repo)', args: [CLI_BIN, 'connectors', 'push', '--yes'] },
  public: { label: 'public base44 0.1.18', args: [PUBLIC_CLI, 'connectors', 'push', '--yes'] },
};

/** One push by `cli` through the proxy, from the same state; checks it applied the whole change. */
async function pushOnce(cli, { server, proxy, project, home, connectors }) {
  await resetChanged(server, connectors);
  proxy.reset();
  const env = cliPushEnv({ home, apiUrl: proxy.url, apiKey: server.apiKey });
  const result = await timeCli(CLIS[cli].args, { cwd: project, env });
  const traffic = proxy.snapshot();
  if (result.code !== 0)
    throw new Error(`${cli} push exited with ${result.code}:\n${result.output.slice(-3000)}`);
  await expectState(server, connectors, 'file').catch((error) => {
    throw new Error(`${cli} push did not apply the files: ${error.message}\n${result.output.slice(-2000)}`);
  });
  const timeline = traffic.timeline;
  return {
    ms: result.ms,
    requests: traffic.count,
    byRoute: traffic.byRoute,
    timeline,
    // From spawn to the first request reaching the proxy: start-up, reading and checking the files.
    first_request_ms: timeline[0]?.arrived_ms ?? null,
    // Time the server spent answering, summed over requests (excluding the proxy's delay).
    server_ms: timeline.reduce((sum, e) => sum + (e.server_ms ?? 0), 0),
    // From the last answer leaving the proxy to the process exiting.
    after_last_answer_ms: timeline.length
      ? result.ms - Math.max(...timeline.map((e) => e.answered_ms ?? 0))
      : null,
  };
}

/** Starts a server (+ proxy), authorizes `types`, writes the project; returns the setup. */
async function setUp(label, types, providersFile) {
  const server = await startServer({ label, providersFile });
  const proxy = await startDelayProxy(server.url, DELAY);
  const project = await mkdtemp(join(ROOT, 'node_modules/.cache/', `push-bench-project-${label}-`));
  const home = join(project, 'home');
  const connectors = plan(types);
  const authorizeMs = await authorizeAll(server, connectors);
  await writeProject(project, server.appId, connectors);
  const tearDown = async () => {
    await proxy.stop();
    await server.stop();
    await rm(project, { recursive: true, force: true });
  };
  return { server, proxy, project, home, connectors, authorizeMs, tearDown };
}

/** A long timeline (the public CLI's, one request per connector) as its first 5 and last 3 requests. */
function shorten(timeline) {
  if (timeline.length <= 10) return timeline;
  return [...timeline.slice(0, 5), { omitted: timeline.length - 8 }, ...timeline.slice(-3)];
}

function summarize(samples) {
  const ms = samples.map((s) => s.ms);
  const requests = samples.map((s) => s.requests);
  return {
    median_ms: round(median(ms)),
    min_ms: round(Math.min(...ms)),
    max_ms: round(Math.max(...ms)),
    runs: samples.length,
    requests: median(requests),
    requests_all_runs: requests,
    requests_by_route: samples.at(-1).byRoute,
    median_first_request_ms: round(median(samples.map((s) => s.first_request_ms ?? 0))),
    median_server_ms: round(median(samples.map((s) => s.server_ms))),
    median_after_last_answer_ms: round(median(samples.map((s) => s.after_last_answer_ms ?? 0))),
    timeline_of_median_run: shorten(
      [...samples].sort((a, b) => a.ms - b.ms)[Math.floor((samples.length - 1) / 2)].timeline,
    ),
  };
}

const result = {
  ...measuredOn(),
  proxy_delay_ms_each_way: DELAY,
  targets: TARGETS,
};

// ---- 1. latency: every catalog type -------------------------------------------------------------
if (!options['skip-latency']) {
  const probe = await startServer({ label: 'catalog' });
  const { integrations } = await connectorApi(probe).available();
  await probe.stop();
  const types = integrations.map((entry) => ({
    type: entry.integration_type,
    defaults: entry.default_scopes,
  }));
  log(`latency: ${types.length} catalog types, ${DELAY} ms each way, ${RUNS} runs each (+1 warm-up)`);
  const setup = await setUp('latency', types);
  log(`  authorized ${types.length} connectors in ${setup.authorizeMs} ms`);
  const samples = { ours: [], public: [] };
  try {
    await pushOnce('ours', setup);
    await pushOnce('public', setup);
    for (let r = 0; r < RUNS; r++) {
      const order = r % 2 === 0 ? ['ours', 'public'] : ['public', 'ours'];
      for (const cli of order) {
        const sample = await pushOnce(cli, setup);
        samples[cli].push(sample);
        log(`  run ${r + 1} ${cli}: ${round(sample.ms)} ms, ${sample.requests} requests`);
      }
    }
  } finally {
    await setup.tearDown();
  }
  const ours = summarize(samples.ours);
  const pub = summarize(samples.public);
  const speedup = round(pub.median_ms / ours.median_ms, 2);
  result.latency = {
    connectors: types.length,
    changed: setup.connectors.filter((c) => c.changed).length,
    ours,
    public: pub,
    speedup,
    speedup_ok: speedup >= TARGETS.latency_speedup_min,
  };
}

// ---- 2. growth: a generated catalog ------------------------------------------------------------

if (!options['skip-growth']) {
  result.growth = { runs: GROWTH_RUNS, public_measured_up_to: PUBLIC_GROWTH_MAX, sizes: {} };
  for (const size of SIZES) {
    const providersFile = join(ROOT, 'node_modules/.cache', `push-bench-providers-${size}.json`);
    const catalog = benchCatalog(size);
    await writeFile(providersFile, JSON.stringify({ credentials: {}, catalog }));
    const types = catalog.map((entry) => ({ type: entry.type, defaults: entry.defaultScopes }));
    log(`growth: ${size} connectors`);
    const setup = await setUp(`growth-${size}`, types, providersFile);
    log(`  authorized ${size} connectors in ${setup.authorizeMs} ms`);
    const publicRuns = size > PUBLIC_GROWTH_MAX ? 0 : size > 100 ? PUBLIC_LARGE_RUNS : GROWTH_RUNS;
    const withPublic = publicRuns > 0;
    const samples = { ours: [], public: [] };
    try {
      await pushOnce('ours', setup);
      for (let r = 0; r < GROWTH_RUNS; r++) {
        const both = r < publicRuns;
        const order = both ? (r % 2 === 0 ? ['ours', 'public'] : ['public', 'ours']) : ['ours'];
        for (const cli of order) {
          const sample = await pushOnce(cli, setup);
          samples[cli].push(sample);
          log(`  run ${r + 1} ${cli}: ${round(sample.ms)} ms, ${sample.requests} requests`);
        }
      }
    } finally {
      await setup.tearDown();
      await rm(providersFile, { force: true });
    }
    result.growth.sizes[size] = {
      connectors: size,
      changed: setup.connectors.filter((c) => c.changed).length,
      authorize_ms: setup.authorizeMs,
      ours: summarize(samples.ours),
      public: withPublic ? summarize(samples.public) : null,
    };
  }
  const sizes = Object.values(result.growth.sizes);
  const trips = sizes.map((s) => s.ours.requests);
  const first = sizes[0];
  const last = sizes.at(-1);
  result.growth.round_trips_constant = trips.every((t) => t === trips[0]);
  result.growth.time_ratio_last_to_first = round(last.ours.median_ms / first.ours.median_ms, 2);
  result.growth.size_ratio_last_to_first = last.connectors / first.connectors;
}

// ---- results -----------------------------------------------------------------------------------
writeResult('push_latency', result);

const header = ['case', 'CLI', 'median ms', 'min–max ms', 'requests', 'runs'];
const rows = [];
const addRows = (name, entry) => {
  for (const cli of ['ours', 'public']) {
    const s = entry[cli];
    if (!s) continue;
    rows.push([
      name,
      cli,
      s.median_ms.toFixed(0),
      `${s.min_ms.toFixed(0)}–${s.max_ms.toFixed(0)}`,
      String(s.requests),
      String(s.runs),
    ]);
  }
};
if (result.latency) addRows(`${result.latency.connectors} catalog types`, result.latency);
for (const entry of Object.values(result.growth?.sizes ?? {}))
  addRows(`${entry.connectors} generated`, entry);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(
  `${DELAY} ms each way through the proxy, ${result.cpus} × ${result.cpu_model}, Node ${process.version}`,
);
console.log(line(header));
for (const row of rows) console.log(line(row));
let ok = true;
if (result.latency) {
  const { speedup, speedup_ok } = result.latency;
  ok &&= speedup_ok;
  console.log(
    `latency: ours ${speedup}× faster than the public CLI (target ≥ ${TARGETS.latency_speedup_min}×) ${speedup_ok ? 'ok' : 'MISSED'}`,
  );
}
if (result.growth) {
  const g = result.growth;
  ok &&= g.round_trips_constant;
  console.log(
    `growth: round trips ${g.round_trips_constant ? 'constant' : 'NOT constant'} (${Object.values(g.sizes)
      .map((s) => s.ours.requests)
      .join(', ')}); ` + `time ×${g.time_ratio_last_to_first} for ×${g.size_ratio_last_to_first} connectors`,
  );
}
console.log(`written to ${RESULTS} ("push_latency")`);
if (options.check && !ok) process.exitCode = 1;
