// The short table at the top of bench/README.md: one row per target of issues 6 and 12, read from
// bench/results/latest.json, rewritten between its two markers whenever a benchmark writes results.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const README = fileURLToPath(new URL('../README.md', import.meta.url));
const START = '<!-- summary:start -->';
const END = '<!-- summary:end -->';

const verdict = (ok) => (ok === undefined || ok === null ? 'not measured' : ok ? 'met' : '**missed**');
const date = (result) => result?.measured_at?.slice(0, 10) ?? '';

function pushRows(push) {
  const latency = push?.latency;
  const growth = push?.growth?.sizes;
  const rows = [];
  if (latency) {
    const ratio = latency.public.median_ms / latency.ours.median_ms;
    rows.push([
      'push latency, 32 connectors, 25 ms each way',
      `ours ${latency.ours.median_ms} ms, public CLI ${latency.public.median_ms} ms: **${ratio.toFixed(1)}×**`,
      '≥ 10×',
      verdict(ratio >= 10),
      date(push),
    ]);
  }
  if (growth) {
    const sizes = Object.values(growth);
    const requests = sizes.map((size) => size.ours.requests);
    const first = sizes[0];
    const last = sizes.at(-1);
    rows.push([
      'push cost growth',
      `${sizes.map((size) => size.connectors).join(' / ')} connectors: ${requests.join(' / ')} requests, ${sizes.map((size) => size.ours.median_ms).join(' / ')} ms`,
      'round trips constant, time far below linear',
      verdict(
        new Set(requests).size === 1 &&
          last.ours.median_ms / first.ours.median_ms < last.connectors / first.connectors / 4,
      ),
      date(push),
    ]);
  }
  return rows;
}

function publicApiRows(push) {
  const latency = push?.latency;
  if (!latency) return [];
  const rows = [
    [
      'push against a public-API-only server, 16 adds + 16 removals, 25 ms each way',
      `ours ${latency.ours.median_ms} ms (${latency.ours.requests} requests), public CLI ${latency.public.median_ms} ms (${latency.public.requests}): **${latency.speedup}×**; floor ${latency.floor.median_ms} ms`,
      '≥ 5×',
      verdict(latency.speedup_ok),
      date(push),
    ],
  ];
  if (push.status) {
    rows.push([
      'status requests while waiting (public-API-only server)',
      `**${push.status.median_per_s}/s** per connector (median of ${push.status.connectors}; gaps ≥ ${push.status.min_gap_ms} ms)`,
      '≤ 0.5/s',
      verdict(push.status.ok),
      date(push),
    ]);
  }
  return rows;
}

function cliRows(cli) {
  if (!cli) return [];
  const version = cli.cases['base44 --version'];
  return [
    [
      'CLI start (`--version`; peak memory of every command)',
      `${version.median_ms} ms, **${cli.verdict.version_ratio}×** \`node -e 0\`; ${cli.verdict.peak_rss_mib} MiB`,
      '≤ 1.5×, ≤ 70 MiB',
      verdict(cli.verdict.version_ratio_ok && cli.verdict.peak_rss_ok),
      date(cli),
    ],
  ];
}

function feedbackRows(feedback) {
  if (!feedback) return [];
  return [
    [
      'authorization feedback',
      `median **${feedback.verdict.median_ms} ms**`,
      '< 100 ms',
      verdict(feedback.verdict.median_ok),
      date(feedback),
    ],
  ];
}

function tokenRows(token) {
  if (!token) return [];
  const { sqlite, postgres, baseline } = token.token_api;
  const line = (name, run) =>
    run ? `${name} ${run.requests_per_s} req/s (**${run.ratio_to_baseline}×**), p99 ${run.p99_ms} ms` : '';
  const rows = [
    [
      'token API, 100 connections',
      [line('SQLite', sqlite), line('PostgreSQL', postgres), `bare Fastify ${baseline.requests_per_s} req/s`]
        .filter(Boolean)
        .join('; '),
      '≥ 0.5× the bare route, p99 < 10 ms',
      verdict(token.verdict.throughput_ok && token.verdict.p99_ok),
      date(token),
    ],
  ];
  if (token.scale_out) {
    const ratio = token.scale_out.two_instances.requests_per_s / token.scale_out.one_instance.requests_per_s;
    rows.push([
      'scale-out, 2 instances on PostgreSQL',
      `**${ratio.toFixed(2)}×** one`,
      '≥ 1.6×',
      verdict(token.verdict.scale_out_ok),
      date(token),
    ]);
  }
  const memory = token.memory;
  if (memory) {
    rows.push([
      'server memory',
      `idle **${memory.idle_rss_mib} MiB** (\`--sandbox\`; ${memory.idle_rss_mib_without_sandbox} without); ${memory.growth_after_warm_up_mib} MiB growth over ${memory.requests} requests`,
      'idle < 100 MiB, no growth',
      verdict(token.verdict.idle_rss_ok && token.verdict.no_growth_ok),
      date(token),
    ]);
  }
  return rows;
}

export function renderSummary(results) {
  const rows = [
    ...pushRows(results.push_latency),
    ...publicApiRows(results.push_public_api),
    ...cliRows(results.cli_start),
    ...feedbackRows(results.authorization_feedback),
    ...tokenRows(results.token_api),
  ];
  return [
    '| what | measured (medians) | target | | when |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ].join('\n');
}

/** Rewrites the table between the markers of bench/README.md; leaves the rest of it alone. */
export function writeSummary(results) {
  if (!existsSync(README)) return;
  const readme = readFileSync(README, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) return;
  const table = `${START}\n${renderSummary(results)}\n${END}`;
  writeFileSync(README, readme.slice(0, start) + table + readme.slice(end + END.length));
}
