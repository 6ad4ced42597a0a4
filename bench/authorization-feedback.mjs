#!/usr/bin/env node
// Authorization feedback: from the provider's redirect reaching the server's `/oauth/callback` to
// our CLI printing `✓ <type> authorization complete` (issue 6; target: median under 100 ms).
//
//   npm run build && node bench/authorization-feedback.mjs [--runs N] [--warm-up N] [--check]
//
// Starts `base44-server start --sandbox` on a throwaway data directory, makes an account, an app and
// a workspace key with its admin commands, and writes a project with one connector file. Each run
// writes a connector file of the next catalog type and runs `base44 connectors push --yes` in a
// pseudo-terminal (util-linux `script`), so the CLI is interactive and opens "the browser": BROWSER
// appends the URL to a file. This script then plays the person on the sandbox pages over plain HTTP
// (sign in, allow) and records `performance.now()` right before it sends the callback request the
// consent's redirects end at, and again when `authorization complete` arrives on the terminal. After
// the run the connector is removed again. Medians; results in bench/results/latest.json under
// "authorization_feedback" (other keys kept).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { prepareAccount, SERVER_BIN, startServer } from './lib/feedback-server.mjs';
import { measuredOn, RESULTS, round, writeResult } from './lib/results.mjs';
import { consent } from './lib/sandbox-browser.mjs';

const CLI_BIN = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));
const KEY = 'authorization_feedback';
const TARGETS = { median_ms_max: 100 };
/** The CLI's line once a connector is authorized (colour codes stripped first, should there be any). */
const doneLine = (type) => `✓ ${type} authorization complete`;
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    'warm-up': { type: 'string', default: '2' },
    check: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const RUNS = Number(options.runs);
const WARM_UP = Number(options['warm-up']);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs must be a positive integer');

for (const file of [CLI_BIN, SERVER_BIN]) {
  if (!existsSync(file)) {
    console.error(`${file} is missing: run \`npm run build\` first`);
    process.exit(2);
  }
}
if (spawnSync('script', ['--version']).error) {
  console.error('util-linux `script` is needed to give the CLI a terminal');
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'b44-feedback-'));
const dataDir = join(work, 'data');
const project = join(work, 'project');
const connectorsDir = join(project, 'base44', 'connectors');
const urlFile = join(work, 'browser-urls');
mkdirSync(dataDir, { recursive: true, mode: 0o700 });
mkdirSync(connectorsDir, { recursive: true });

const shellQuote = (value) => `'${String(value).replaceAll("'", `'\\''`)}'`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}

/** Resolves with the first URL BROWSER wrote, polling the file every 2 ms. */
async function nextUrl(timeoutMs, exited) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const text = existsSync(urlFile) ? readFileSync(urlFile, 'utf8') : '';
    const line = text.split('\n').find((l) => l.trim());
    if (line && text.endsWith('\n')) return line.trim();
    if (exited()) throw new Error('the CLI exited before it opened the browser');
    if (performance.now() > deadline) throw new Error('the CLI did not open the browser');
    await sleep(2);
  }
}

/** One push of one connector: the timings of its authorization, in ms. */
async function runOnce(server, account, type) {
  for (const name of [urlFile]) rmSync(name, { force: true });
  rmSync(connectorsDir, { recursive: true, force: true });
  mkdirSync(connectorsDir, { recursive: true });
  writeFileSync(join(connectorsDir, `${type}.jsonc`), `${JSON.stringify({ type }, null, 2)}\n`);

  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith('BASE44_') && name !== 'CI' && name !== 'NODE_OPTIONS',
    ),
  );
  Object.assign(env, {
    NO_COLOR: '1',
    TERM: env.TERM || 'xterm',
    BASE44_API_URL: server.url,
    BASE44_API_KEY: account.apiKey,
    // The CLI runs `/bin/sh -c "$BROWSER \"$1\"" browser URL`: this appends the URL to a file.
    BROWSER: `printf '%s\\n' >>${shellQuote(urlFile)}`,
  });
  const command = `${shellQuote(process.execPath)} ${shellQuote(CLI_BIN)} connectors push --yes`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: project,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let lineAt;
  child.stdout.on('data', (chunk) => {
    const now = performance.now();
    output += chunk.toString('utf8');
    if (lineAt === undefined && output.replace(ANSI, '').includes(doneLine(type))) lineAt = now;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise((resolve) => child.once('close', (code) => resolve(code)));
  let hasExited = false;
  exited.then(() => {
    hasExited = true;
  });
  try {
    const url = await nextUrl(30_000, () => hasExited);
    const callback = await consent(url, `person-${type}@example.com`);
    if (callback.status !== 200) {
      throw new Error(`/oauth/callback answered ${callback.status}: ${callback.body.slice(0, 300)}`);
    }
    const deadline = performance.now() + 30_000;
    while (lineAt === undefined) {
      if (hasExited || performance.now() > deadline) {
        throw new Error(`the CLI did not print "${doneLine(type)}"`);
      }
      await sleep(1);
    }
    const code = await Promise.race([exited, sleep(30_000).then(() => 'timeout')]);
    if (code !== 0) throw new Error(`the CLI exited with ${code}`);
    return {
      type,
      feedback_ms: lineAt - callback.sent,
      callback_headers_ms: callback.headersAt - callback.sent,
      callback_done_ms: callback.doneAt - callback.sent,
      line_after_callback_ms: lineAt - callback.doneAt,
    };
  } catch (error) {
    error.message += `\n--- CLI output ---\n${output}`;
    throw error;
  } finally {
    child.stdin.end();
    if (!hasExited) {
      child.kill('SIGTERM');
      await exited;
    }
    const removed = await fetch(
      `${server.url}/api/apps/${encodeURIComponent(account.appId)}/external-auth/integrations/${encodeURIComponent(type)}/remove`,
      { method: 'DELETE', headers: { api_key: account.apiKey } },
    );
    if (!removed.ok && removed.status !== 404) {
      console.error(`removing ${type}: ${removed.status} ${await removed.text()}`);
    }
  }
}

const server = await startServer(dataDir);
let result;
try {
  const account = await prepareAccount(dataDir);
  writeFileSync(join(project, 'base44', '.app.jsonc'), `${JSON.stringify({ id: account.appId })}\n`);
  writeFileSync(join(project, 'base44', 'config.jsonc'), '{}\n');

  const available = await fetch(
    `${server.url}/api/apps/${encodeURIComponent(account.appId)}/external-auth/available-integrations`,
    { headers: { api_key: account.apiKey } },
  ).then((response) => response.json());
  const types = available.integrations.map((integration) => integration.integration_type);
  if (types.length === 0) throw new Error('the catalog is empty');

  const samples = [];
  for (let i = 0; i < WARM_UP + RUNS; i++) {
    const sample = await runOnce(server, account, types[i % types.length]);
    if (i >= WARM_UP) {
      samples.push(sample);
      process.stderr.write(
        `run ${i - WARM_UP + 1}/${RUNS} ${sample.type}: ${sample.feedback_ms.toFixed(1)} ms (callback ${sample.callback_done_ms.toFixed(1)} ms)\n`,
      );
    } else {
      process.stderr.write(
        `warm-up ${i + 1}/${WARM_UP} ${sample.type}: ${sample.feedback_ms.toFixed(1)} ms\n`,
      );
    }
  }

  const stats = (name) => {
    const values = samples.map((sample) => sample[name]);
    return {
      median_ms: round(quantile(values, 0.5)),
      p90_ms: round(quantile(values, 0.9)),
      min_ms: round(Math.min(...values)),
      max_ms: round(Math.max(...values)),
    };
  };
  const metrics = {
    feedback: stats('feedback_ms'),
    callback_headers: stats('callback_headers_ms'),
    callback_done: stats('callback_done_ms'),
    line_after_callback: stats('line_after_callback_ms'),
  };
  const verdict = {
    median_ms: metrics.feedback.median_ms,
    median_ok: metrics.feedback.median_ms < TARGETS.median_ms_max,
  };
  result = {
    ...measuredOn(),
    load_average_1m: round(loadavg()[0], 2),
    runs: RUNS,
    warm_up: WARM_UP,
    database: 'sqlite',
    targets: TARGETS,
    metrics,
    samples: samples.map((sample) =>
      Object.fromEntries(
        Object.entries(sample).map(([k, v]) => [k, typeof v === 'number' ? round(v, 2) : v]),
      ),
    ),
    verdict,
  };
} finally {
  await server.stop();
  if (!options.keep) rmSync(work, { recursive: true, force: true });
  else console.error(`kept ${work}`);
}

writeResult(KEY, result);

const rows = [
  ['callback → CLI prints "authorization complete"', result.metrics.feedback],
  ['callback request: response headers', result.metrics.callback_headers],
  ['callback request: response complete', result.metrics.callback_done],
  ['callback response complete → CLI line', result.metrics.line_after_callback],
];
const header = ['what', 'median ms', 'p90 ms', 'min ms', 'max ms'];
const cells = rows.map(([name, m]) => [
  name,
  m.median_ms.toFixed(1),
  m.p90_ms.toFixed(1),
  m.min_ms.toFixed(1),
  m.max_ms.toFixed(1),
]);
const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
const line = (row) =>
  row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
console.log(
  `${RUNS} runs (after ${WARM_UP} warm-up), ${result.cpus} × ${result.cpu_model}, Node ${process.version}`,
);
console.log(line(header));
for (const row of cells) console.log(line(row));
console.log(
  `median ${result.verdict.median_ms} ms (target < ${TARGETS.median_ms_max} ms) ${result.verdict.median_ok ? 'ok' : 'MISSED'}`,
);
console.log(`written to ${RESULTS} ("${KEY}")`);
if (options.check && !result.verdict.median_ok) process.exitCode = 1;
