#!/usr/bin/env node
// How fast the built `base44` CLI starts, and how much memory it takes, against a bare `node -e 0`.
//
//   npm run build && node bench/cli-start.mjs [--runs N] [--memory-runs M] [--check]
//
// Each command runs N times (after a warm-up), interleaved with the others so that noise on the
// machine spreads over all of them alike; the table shows medians. Peak RSS comes from separate runs
// under `/usr/bin/time -f %M` (or, without it, from `process.resourceUsage().maxRSS` reported by a
// preloaded module as the process exits). Results go to bench/results/latest.json under "cli_start";
// other keys in that file are kept. `--check` exits 1 when a target is missed.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measuredOn, RESULTS, round, writeResult } from './lib/results.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));
const EMPTY_MODULE = fileURLToPath(new URL('./empty.mjs', import.meta.url));
const TIME = '/usr/bin/time';

/** `--version` may take at most this many times as long as `node -e 0`; every command at most this much memory. */
const TARGETS = { version_ratio_max: 1.5, peak_rss_mib_max: 70 };

const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '30' },
    'warm-up': { type: 'string', default: '3' },
    'memory-runs': { type: 'string', default: '5' },
    check: { type: 'boolean', default: false },
  },
});
const RUNS = positive(options.runs, '--runs');
const WARM_UP = Number(options['warm-up']);
const MEMORY_RUNS = positive(options['memory-runs'], '--memory-runs');

const CASES = [
  { name: 'node -e 0', args: ['-e', '0'], baseline: true },
  // For reference: the ESM loader alone (bin.js is an ES module, `node -e 0` is not).
  { name: 'node empty.mjs', args: [EMPTY_MODULE] },
  { name: 'base44 --version', args: [BIN, '--version'] },
  { name: 'base44 --help', args: [BIN, '--help'] },
  { name: 'base44 connectors push --help', args: [BIN, 'connectors', 'push', '--help'] },
];

function positive(text, flag) {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} must be a positive integer`);
  return value;
}

/** The environment of every run: no BASE44_* settings, no colour, no inherited NODE_OPTIONS. */
const ENV = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('BASE44_') && name !== 'NODE_OPTIONS'),
);
ENV.NO_COLOR = '1';

function runOnce(args, wrapper = []) {
  const [file, ...rest] =
    wrapper.length > 0 ? [...wrapper, process.execPath, ...args] : [process.execPath, ...args];
  const started = process.hrtime.bigint();
  const result = spawnSync(file, rest, { cwd: ROOT, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${file} ${rest.join(' ')} exited with ${result.status}:\n${result.stderr}`);
  }
  return { ms, stderr: result.stderr.toString() };
}

/** Peak resident memory of one run, in KiB. */
const REPORT_RSS = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\nmaxrss:'+process.resourceUsage().maxRSS+'\\n'))`;
function peakRssKib(args) {
  if (existsSync(TIME)) {
    const { stderr } = runOnce(args, [TIME, '-f', '%M']);
    return Number(stderr.trim().split('\n').at(-1));
  }
  const { stderr } = runOnce(['--import', REPORT_RSS, ...args]);
  return Number(/maxrss:(\d+)/.exec(stderr)?.[1]);
}

function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}

if (!existsSync(BIN)) {
  console.error(`${BIN} is missing: run \`npm run build\` first`);
  process.exit(2);
}

// Warm-up: the file system cache and the CPU's clocks, for every command.
for (let i = 0; i < WARM_UP; i++) for (const c of CASES) runOnce(c.args);

// Interleaved, and the order rotated each round so no command always follows the same one.
const times = new Map(CASES.map((c) => [c.name, []]));
for (let r = 0; r < RUNS; r++) {
  for (let k = 0; k < CASES.length; k++) {
    const c = CASES[(r + k) % CASES.length];
    times.get(c.name).push(runOnce(c.args).ms);
  }
}
const rss = new Map(CASES.map((c) => [c.name, []]));
for (let i = 0; i < MEMORY_RUNS; i++) for (const c of CASES) rss.get(c.name).push(peakRssKib(c.args));

const baseline = quantile(times.get(CASES[0].name), 0.5);
const cases = {};
for (const c of CASES) {
  const ms = times.get(c.name);
  const kib = rss.get(c.name);
  const median = quantile(ms, 0.5);
  cases[c.name] = {
    command: [
      'node',
      ...c.args.map((a) =>
        a === BIN ? 'packages/cli/dist/bin.js' : a === EMPTY_MODULE ? 'bench/empty.mjs' : a,
      ),
    ].join(' '),
    median_ms: round(median),
    p10_ms: round(quantile(ms, 0.1)),
    p90_ms: round(quantile(ms, 0.9)),
    ratio_to_baseline: round(median / baseline, 2),
    overhead_ms: round(median - baseline),
    peak_rss_mib: round(Math.max(...kib) / 1024),
    median_peak_rss_mib: round(quantile(kib, 0.5) / 1024),
  };
}

const version = cases['base44 --version'];
const measured = Object.entries(cases).filter(([name]) => name.startsWith('base44 '));
const heaviest = Math.max(...measured.map(([, c]) => c.peak_rss_mib));
const verdict = {
  version_ratio: version.ratio_to_baseline,
  version_ratio_ok: version.ratio_to_baseline <= TARGETS.version_ratio_max,
  peak_rss_mib: heaviest,
  peak_rss_ok: heaviest <= TARGETS.peak_rss_mib_max,
};

const result = {
  ...measuredOn(),
  runs: RUNS,
  warm_up: WARM_UP,
  memory_runs: MEMORY_RUNS,
  rss_source: existsSync(TIME) ? '/usr/bin/time -f %M' : 'process.resourceUsage().maxRSS',
  targets: TARGETS,
  cases,
  verdict,
};

writeResult('cli_start', result);

const header = ['command', 'median ms', 'p10–p90 ms', '× node -e 0', 'peak RSS MiB'];
const rows = Object.entries(cases).map(([name, c]) => [
  name,
  c.median_ms.toFixed(1),
  `${c.p10_ms.toFixed(1)}–${c.p90_ms.toFixed(1)}`,
  c.ratio_to_baseline.toFixed(2),
  c.peak_rss_mib.toFixed(1),
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) =>
  cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
console.log(`${RUNS} runs each, ${result.cpus} × ${result.cpu_model}, Node ${process.version}`);
console.log(line(header));
for (const row of rows) console.log(line(row));
console.log(
  `--version: ${version.ratio_to_baseline}× node -e 0 (target ≤ ${TARGETS.version_ratio_max}×) ${verdict.version_ratio_ok ? 'ok' : 'MISSED'}; ` +
    `peak RSS ${heaviest} MiB (target ≤ ${TARGETS.peak_rss_mib_max} MiB) ${verdict.peak_rss_ok ? 'ok' : 'MISSED'}`,
);
console.log(`written to ${RESULTS} ("cli_start")`);
if (options.check && !(verdict.version_ratio_ok && verdict.peak_rss_ok)) process.exitCode = 1;
