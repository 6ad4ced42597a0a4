#!/usr/bin/env node

// `base44 connectors push` against a server with only the public API (the Base44 cloud's contract,
// `base44-server --public-api-only`), beside the public `base44` CLI 0.1.18 in the same run
// (issue 12: "push of 16 adds + 16 removals against the public-API-only server at 25 ms each way:
// at least 5x faster, at most 0.5 status requests per second per connector while waiting").
//
//   npm run build && node bench/push-public-api.mjs [--runs N] [--delay MS] [--wait S]
//                                                   [--status-connectors N] [--check]
//
// 1. Latency: a `base44-server --sandbox --public-api-only` (SQLite); of the 32 catalog types, 16
//    are connectors of the app (authorized beforehand) with no file, so a push removes them, and
//    16 have a file and no connector, so a push adds them (non-interactive: each PUT makes a
//    pending connector and the link is printed). Before every run the app is put back to that
//    state straight on the server. Each CLI pushes through a loopback proxy that adds DELAY ms each
//    way and records every request; after each run the script checks the proxy saw one PUT per add
//    and one DELETE per removal, and the server holds exactly the 16 added (pending). Interleaved
//    after one warm-up each; the floor (a fresh `node` making one bare `node:http` request through
//    the same proxy) is measured in every round as well.
// 2. Status rate: our CLI in a pseudo-terminal (`script`), `connectors push --yes` with
//    --status-connectors new files, BROWSER a command that does nothing; after --wait seconds the
//    consents are walked over HTTP; the status requests per connector while it waited are counted.
//
// Results go to bench/results/latest.json under "push_public_api" (other keys are kept).

import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  benchCatalog,
  CLI_BIN,
  cliPushEnv,
  connectorApi,
  consent,
  hasScript,
  pool,
  publicCliEntry,
  ROOT,
  SERVER_BIN,
  spawnInTerminal,
  startDelayProxy,
  startServer,
  timeBareRequest,
  timeCli,
  writeProject,
} from './lib/push-harness.mjs';
import { measuredOn, RESULTS, round, writeResult } from './lib/results.mjs';

const KEY = 'push_public_api';
const TARGETS = { speedup_min: 5, status_per_s_per_connector_max: 0.5 };
const CHANGES = 16;

const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    delay: { type: 'string', default: '25' },
    wait: { type: 'string', default: '10' },
    'status-connectors': { type: 'string', default: '4' },
    'skip-status': { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
  },
});
const RUNS = Number(options.runs);
const DELAY = Number(options.delay);
const WAIT_S = Number(options.wait);
const STATUS_CONNECTORS = Number(options['status-connectors']);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs must be a positive integer');

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  return (sorted[Math.floor(mid)] + sorted[Math.ceil(mid)]) / 2;
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (message) => process.stderr.write(`${message}\n`);
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

for (const file of [CLI_BIN, SERVER_BIN]) {
  if (!existsSync(file)) {
    console.error(`${file} is missing: run \`npm run build\` first`);
    process.exit(2);
  }
}
if (!options['skip-status'] && !hasScript()) {
  console.error('util-linux `script` is needed to give the CLI a terminal (or pass --skip-status)');
  process.exit(2);
}
const PUBLIC_CLI = await publicCliEntry();

const SCOPES = ['bench.read', 'bench.write'];
const CLIS = {
  ours: { label: 'ours (base44 0.1.0, this repo)', args: [CLI_BIN, 'connectors', 'push', '--yes'] },
  public: { label: 'public base44 0.1.18', args: [PUBLIC_CLI, 'connectors', 'push', '--yes'] },
};

/** The type in a connector request's path (`…/integrations/{type}[/remove]`, `…status?integration_type=`). */
function typeOf(url) {
  const [path, query = ''] = url.split('?');
  const match = /\/integrations\/([^/]+)/.exec(path);
  return match ? decodeURIComponent(match[1]) : new URLSearchParams(query).get('integration_type');
}

/**
 * Puts the app in the state before a push: every `removals` type a connector, active (PUT, then
 * the sandbox's consent, straight to the server), every other connector removed. Checks the list.
 */
async function resetApp(server, removals) {
  const api = connectorApi(server);
  const { integrations } = await api.list();
  const active = new Set(integrations.filter((i) => i.status === 'active').map((i) => i.integration_type));
  const extra = integrations.map((i) => i.integration_type).filter((type) => !removals.includes(type));
  await pool(extra, 8, (type) => api.remove(type));
  await pool(
    removals.filter((type) => !active.has(type)),
    8,
    async (type) => {
      const answer = await api.put(type, SCOPES);
      if (answer.already_authorized) return;
      if (!answer.redirect_url) throw new Error(`PUT ${type}: no redirect_url: ${JSON.stringify(answer)}`);
      await consent(answer.redirect_url, `${type}@example.com`);
    },
  );
  const after = (await api.list()).integrations;
  const listed = after.map((i) => `${i.integration_type}:${i.status}`).sort();
  const want = removals.map((type) => `${type}:active`).sort();
  if (listed.join(' ') !== want.join(' '))
    throw new Error(`reset: expected ${want.join(' ')}, the server lists ${listed.join(' ')}`);
}

/** Throws unless the proxy saw exactly one PUT per add and one DELETE per removal. */
function expectWire(cli, timeline, adds, removals) {
  const typesOf = (method) =>
    timeline
      .filter((e) => e.route.startsWith(`${method} `) && e.route.includes('/integrations/'))
      .map((e) => typeOf(e.url))
      .sort();
  const puts = typesOf('PUT');
  const deletes = typesOf('DELETE');
  const problems = [];
  if (puts.join(' ') !== [...adds].sort().join(' '))
    problems.push(`PUTs (${puts.length}): ${puts.join(' ')}; expected one per add (${adds.length})`);
  if (deletes.join(' ') !== [...removals].sort().join(' '))
    problems.push(
      `DELETEs (${deletes.length}): ${deletes.join(' ')}; expected one per removal (${removals.length})`,
    );
  const failed = timeline.filter((e) => e.status >= 400 && !(e.status === 404 && e.route.endsWith('/plan')));
  if (failed.length > 0)
    problems.push(`answers ≥ 400: ${failed.map((e) => `${e.route} ${e.status}`).join(', ')}`);
  if (problems.length > 0) throw new Error(`${cli} push, on the wire: ${problems.join('; ')}`);
}

/** Throws unless the server holds exactly the adds, pending (listed `disconnected`), and no removal. */
async function expectPushed(server, adds) {
  const { integrations } = await connectorApi(server).list();
  const listed = integrations.map((i) => `${i.integration_type}:${i.status}`).sort();
  const want = adds.map((type) => `${type}:disconnected`).sort();
  if (listed.join(' ') !== want.join(' '))
    throw new Error(`expected ${want.join(' ')} after the push, the server lists ${listed.join(' ')}`);
}

/** One push by `cli` through the proxy, from the reset state; checks it applied the whole change. */
async function pushOnce(cli, { server, proxy, project, home, adds, removals }) {
  await resetApp(server, removals);
  proxy.reset();
  const env = cliPushEnv({ home, apiUrl: proxy.url, apiKey: server.apiKey });
  const result = await timeCli(CLIS[cli].args, { cwd: project, env });
  const traffic = proxy.snapshot({ urls: true });
  const fail = (message) => {
    throw new Error(`${message}\n--- ${cli} output ---\n${result.output.slice(-3000)}`);
  };
  if (result.code !== 0) fail(`${cli} push exited with ${result.code}`);
  try {
    expectWire(cli, traffic.timeline, adds, removals);
    await expectPushed(server, adds);
  } catch (error) {
    fail(error.message);
  }
  const timeline = traffic.timeline;
  const answered = timeline.map((e) => e.answered_ms ?? 0);
  const isChange = (e) => e.route.startsWith('PUT ') || e.route.startsWith('DELETE ');
  const changes = timeline.filter(isChange);
  const planning = timeline.filter((e) => !isChange(e) && e.arrived_ms < (changes[0]?.arrived_ms ?? 0));
  return {
    ms: result.ms,
    requests: traffic.count,
    byRoute: traffic.byRoute,
    timeline: timeline.map(({ url: _url, ...entry }) => entry),
    // From spawn to the first request reaching the proxy: start-up, reading and checking the files.
    first_request_ms: timeline[0]?.arrived_ms ?? null,
    // The first PUT or DELETE: the end of planning (the catalog and list answers, and the plan).
    first_change_ms: changes[0]?.arrived_ms ?? null,
    // The last answer the plan waited for (list, catalog, …) reaching the CLI.
    planning_answered_ms: planning.length ? Math.max(...planning.map((e) => e.answered_ms ?? 0)) : null,
    // The server's own time for one PUT or DELETE (median), under the CLI's concurrency.
    change_server_ms: changes.length ? median(changes.map((e) => e.server_ms)) : null,
    last_answer_ms: timeline.length ? Math.max(...answered) : null,
    server_ms: timeline.reduce((sum, e) => sum + (e.server_ms ?? 0), 0),
    after_last_answer_ms: timeline.length ? result.ms - Math.max(...answered) : null,
  };
}

/** The floor: a fresh `node` making one bare `node:http` request through the proxy (the app's list). */
async function floorOnce({ server, proxy }) {
  proxy.reset();
  const result = await timeBareRequest(`${proxy.url}/api/apps/${server.appId}/external-auth/list`, {
    headers: { api_key: server.apiKey },
  });
  if (result.code !== 0) throw new Error(`the floor's request failed (${result.code}): ${result.output}`);
  if (proxy.snapshot().count !== 1) throw new Error('the floor made more than one request');
  return { ms: result.ms };
}

/** A long timeline (the public CLI's) as its first 5 and last 3 requests. */
function shorten(timeline) {
  if (timeline.length <= 10) return timeline;
  return [...timeline.slice(0, 5), { omitted: timeline.length - 8 }, ...timeline.slice(-3)];
}

function summarize(samples) {
  const ms = samples.map((s) => s.ms);
  const requests = samples.map((s) => s.requests);
  const med = (name) => round(median(samples.map((s) => s[name] ?? 0)));
  return {
    median_ms: round(median(ms)),
    min_ms: round(Math.min(...ms)),
    max_ms: round(Math.max(...ms)),
    runs: samples.length,
    requests: median(requests),
    requests_all_runs: requests,
    requests_by_route: samples.at(-1).byRoute,
    median_first_request_ms: med('first_request_ms'),
    median_planning_answered_ms: med('planning_answered_ms'),
    median_first_change_ms: med('first_change_ms'),
    median_change_server_ms: med('change_server_ms'),
    median_last_answer_ms: med('last_answer_ms'),
    median_server_ms: med('server_ms'),
    median_after_last_answer_ms: med('after_last_answer_ms'),
    timeline_of_median_run: shorten(
      [...samples].sort((a, b) => a.ms - b.ms)[Math.floor((samples.length - 1) / 2)].timeline,
    ),
  };
}

/**
 * Our CLI, interactive, waiting for `types` to be authorized against the public-API-only server
 * (status answers at once, so it polls): `connectors push --yes` in a pseudo-terminal, BROWSER a
 * command that does nothing. After WAIT_S seconds of waiting every consent is walked over HTTP;
 * the status requests of each connector from its link being printed to its consent are counted.
 */
async function statusRate({ server, proxy, root }, types) {
  const project = await mkdtemp(join(root, 'status-'));
  await writeProject(
    project,
    server.appId,
    types.map((type) => ({ type, scopes: SCOPES })),
  );
  await resetApp(server, []);
  proxy.reset();
  const env = cliPushEnv(
    { home: join(project, 'home'), apiUrl: proxy.url, apiKey: server.apiKey },
    { TERM: process.env.TERM || 'xterm', BROWSER: 'true' },
  );
  delete env.CI; // in a terminal: the push asks, opens and waits
  const run = spawnInTerminal([CLI_BIN, 'connectors', 'push', '--yes', '--timeout', String(WAIT_S + 60)], {
    cwd: project,
    env,
  });
  let code;
  run.exited.then((c) => (code = c));
  const text = () => run.output().replace(ANSI, '').replaceAll('\r', '');
  const until = async (what, test, timeoutMs) => {
    const deadline = performance.now() + timeoutMs;
    while (!test()) {
      if (code !== undefined) throw new Error(`the CLI exited (${code}) before ${what}:\n${text()}`);
      if (performance.now() > deadline) throw new Error(`the CLI did not get to ${what}:\n${text()}`);
      await sleep(5);
    }
  };
  try {
    const links = new Map();
    await until(
      'opening the browser for every connector',
      () => {
        for (const type of types) {
          const match = new RegExp(`^ {2}${type}: (\\S+)$`, 'm').exec(text());
          if (match) links.set(type, match[1]);
        }
        return (
          links.size === types.length && types.every((type) => text().includes(`Opening browser for ${type}`))
        );
      },
      30_000,
    );
    const waitingSince = performance.now();
    await sleep(WAIT_S * 1000);
    const consented = new Map();
    await Promise.all(
      types.map(async (type) => {
        const callback = await consent(links.get(type), `${type}@example.com`);
        consented.set(type, callback.sent);
      }),
    );
    await until(
      'every authorization complete',
      () => types.every((type) => text().includes(`${type} authorization complete`)),
      15_000,
    );
    const exitCode = await Promise.race([run.exited, sleep(15_000).then(() => 'timeout')]);
    if (exitCode !== 0) throw new Error(`the CLI exited with ${exitCode}:\n${text()}`);
    const traffic = proxy.snapshot({ urls: true });
    const at = (ms) => traffic.t0 + ms;
    const perConnector = types.map((type) => {
      const polls = traffic.timeline
        .filter((e) => e.route.startsWith('GET ') && e.route.endsWith('/status') && typeOf(e.url) === type)
        .map((e) => at(e.arrived_ms));
      const put = traffic.timeline.find((e) => e.route.startsWith('PUT ') && typeOf(e.url) === type);
      // Waiting: from the PUT's answer (the link exists) to the consent's callback being sent.
      const from = at(put.answered_ms);
      const to = consented.get(type);
      const waiting = polls.filter((t) => t >= from && t <= to);
      const gaps = waiting.slice(1).map((t, i) => t - waiting[i]);
      const span = waiting.length > 1 ? waiting.at(-1) - waiting[0] : 0;
      return {
        type,
        waited_s: round((to - from) / 1000, 2),
        status_requests_while_waiting: waiting.length,
        status_requests_in_all: polls.length,
        // Requests over the waiting time, the first (sent at once) included.
        per_s_over_window: round(waiting.length / ((to - from) / 1000), 3),
        // The polling rate: requests after the first over the time from the first to the last.
        per_s: span > 0 ? round((waiting.length - 1) / (span / 1000), 3) : null,
        median_gap_ms: gaps.length ? Math.round(median(gaps)) : null,
        min_gap_ms: gaps.length ? Math.round(Math.min(...gaps)) : null,
        max_gap_ms: gaps.length ? Math.round(Math.max(...gaps)) : null,
      };
    });
    return {
      connectors: types.length,
      wait_s: WAIT_S,
      waited_before_consent_s: round((Math.min(...consented.values()) - waitingSince) / 1000, 2),
      requests: traffic.count,
      requests_by_route: traffic.byRoute,
      per_connector: perConnector,
      median_per_s: round(median(perConnector.map((c) => c.per_s ?? Number.POSITIVE_INFINITY)), 3),
      median_per_s_over_window: round(median(perConnector.map((c) => c.per_s_over_window)), 3),
      max_per_s_over_window: Math.max(...perConnector.map((c) => c.per_s_over_window)),
      min_gap_ms: Math.min(...perConnector.map((c) => c.min_gap_ms ?? Number.POSITIVE_INFINITY)),
    };
  } finally {
    if (code === undefined) {
      run.child.kill('SIGTERM');
      await run.exited;
    }
    await rm(project, { recursive: true, force: true });
  }
}

// ---- set-up -------------------------------------------------------------------------------------
const result = {
  ...measuredOn(),
  load_average_1m_before: round(loadavg()[0], 2),
  proxy_delay_ms_each_way: DELAY,
  server: 'base44-server start --sandbox --public-api-only (SQLite)',
  targets: TARGETS,
};

// Generated types, so the figure does not move with the catalog's size (the sandbox plays them all).
const providersFile = join(ROOT, 'node_modules/.cache', 'push-public-api-providers.json');
await writeFile(providersFile, JSON.stringify({ credentials: {}, catalog: benchCatalog(2 * CHANGES) }));
const server = await startServer({ label: 'public-api', publicApiOnly: true, providersFile });
const proxy = await startDelayProxy(server.url, DELAY);
const root = await mkdtemp(join(ROOT, 'node_modules/.cache/', 'push-public-api-'));
try {
  const probe = await fetch(`${server.url}/api/apps/${server.appId}/external-auth/list`, {
    headers: { api_key: server.apiKey },
  });
  if (probe.headers.has('x-base44-extensions'))
    throw new Error('the server advertises extensions: it is not in public-API-only mode');
  const { integrations } = await connectorApi(server).available();
  const types = integrations
    .map((entry) => entry.integration_type)
    .filter((type) => type.startsWith('bench-'))
    .sort();
  if (types.length < 2 * CHANGES)
    throw new Error(`the catalog has ${types.length} types, ${2 * CHANGES} are needed`);
  const adds = types.filter((_, i) => i % 2 === 0).slice(0, CHANGES);
  const removals = types.filter((_, i) => i % 2 === 1).slice(0, CHANGES);
  const project = join(root, 'project');
  const setup = { server, proxy, project, home: join(project, 'home'), adds, removals, root };
  await writeProject(
    project,
    server.appId,
    adds.map((type) => ({ type, scopes: SCOPES })),
  );
  result.adds = adds;
  result.removals = removals;

  // ---- 1. latency -------------------------------------------------------------------------------
  log(
    `latency: ${adds.length} adds + ${removals.length} removals, ${DELAY} ms each way, ${RUNS} runs each (+1 warm-up)`,
  );
  const samples = { ours: [], public: [], floor: [] };
  await pushOnce('ours', setup);
  await pushOnce('public', setup);
  await floorOnce(setup);
  for (let r = 0; r < RUNS; r++) {
    const order = r % 2 === 0 ? ['ours', 'public', 'floor'] : ['floor', 'public', 'ours'];
    for (const what of order) {
      const sample = what === 'floor' ? await floorOnce(setup) : await pushOnce(what, setup);
      samples[what].push(sample);
      log(
        `  run ${r + 1} ${what}: ${round(sample.ms)} ms${sample.requests ? `, ${sample.requests} requests` : ''}`,
      );
    }
  }
  const ours = summarize(samples.ours);
  const pub = summarize(samples.public);
  const floorMs = samples.floor.map((s) => s.ms);
  const speedup = round(pub.median_ms / ours.median_ms, 2);
  result.latency = {
    runs: RUNS,
    ours,
    public: pub,
    floor: {
      what: 'a fresh `node -e` making one bare node:http GET of external-auth/list through the proxy',
      median_ms: round(median(floorMs)),
      min_ms: round(Math.min(...floorMs)),
      max_ms: round(Math.max(...floorMs)),
      runs: floorMs.length,
    },
    speedup,
    speedup_ok: speedup >= TARGETS.speedup_min,
    ours_over_floor: round(ours.median_ms / median(floorMs), 2),
  };

  // ---- 2. status requests while waiting ---------------------------------------------------------
  if (!options['skip-status']) {
    log(`status: ${STATUS_CONNECTORS} connectors, interactive, ${WAIT_S} s of waiting before the consents`);
    const status = await statusRate(setup, adds.slice(0, STATUS_CONNECTORS));
    status.ok = status.median_per_s <= TARGETS.status_per_s_per_connector_max;
    result.status = status;
    for (const c of status.per_connector)
      log(
        `  ${c.type}: ${c.status_requests_while_waiting} status requests in ${c.waited_s} s, ${c.per_s}/s (gaps ${c.min_gap_ms}–${c.max_gap_ms} ms)`,
      );
  }
} finally {
  await proxy.stop();
  await server.stop();
  await rm(root, { recursive: true, force: true });
  await rm(providersFile, { force: true });
}
result.load_average_1m_after = round(loadavg()[0], 2);

// ---- results -----------------------------------------------------------------------------------
writeResult(KEY, result);

const { latency, status } = result;
console.log(
  `${CHANGES} adds + ${CHANGES} removals, public-API-only server, ${DELAY} ms each way, ${result.cpus} × ${result.cpu_model}, Node ${process.version}`,
);
const rows = [
  ['ours', latency.ours],
  ['public 0.1.18', latency.public],
  ['floor (1 bare request)', latency.floor],
];
for (const [name, s] of rows)
  console.log(
    `${name.padEnd(24)} ${s.median_ms.toFixed(0).padStart(6)} ms  (${s.min_ms.toFixed(0)}–${s.max_ms.toFixed(0)})${s.requests ? `  ${s.requests} requests` : ''}`,
  );
let ok = latency.speedup_ok;
console.log(
  `push: ours ${latency.speedup}× faster than the public CLI (target ≥ ${TARGETS.speedup_min}×) ${latency.speedup_ok ? 'ok' : 'MISSED'}; ${latency.ours_over_floor}× the floor`,
);
if (status) {
  ok &&= status.ok;
  console.log(
    `status while waiting: ${status.median_per_s}/s per connector (median of ${status.connectors}; over the whole wait ${status.median_per_s_over_window}/s; gaps ≥ ${status.min_gap_ms} ms) (target ≤ ${TARGETS.status_per_s_per_connector_max}/s) ${status.ok ? 'ok' : 'MISSED'}`,
  );
}
console.log(`written to ${RESULTS} ("${KEY}")`);
if (options.check && !ok) process.exitCode = 1;
