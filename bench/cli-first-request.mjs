// Compares CLI builds on `base44 connectors push --yes`: from spawn to the first request reaching
// a plain HTTP listener (which answers 503, so the push stops there), and to exit. Builds are
// given as paths to their bin.js, e.g. a worktree of an older commit against packages/cli/dist.
//
//   node bench/cli-first-request.mjs OLD/packages/cli/dist/bin.js packages/cli/dist/bin.js [--files N] [--rounds N]

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values: options, positionals: bins } = parseArgs({
  allowPositionals: true,
  options: { files: { type: 'string', default: '32' }, rounds: { type: 'string', default: '15' } },
});
if (bins.length === 0) {
  console.error('usage: node bench/cli-first-request.mjs BIN.js [BIN.js …] [--files N] [--rounds N]');
  process.exit(2);
}
const FILES = Number(options.files);
const ROUNDS = Number(options.rounds);
const WARM_UP_ROUNDS = 2;

/** A project of one app with FILES connector files of made-up types. */
function aProject() {
  const root = mkdtempSync(join(tmpdir(), 'base44-first-request-'));
  const base44 = join(root, 'base44');
  mkdirSync(join(base44, 'connectors'), { recursive: true });
  writeFileSync(join(base44, 'config.jsonc'), '{}\n');
  writeFileSync(join(base44, '.app.jsonc'), '{"id": "abcdef0123456789abcdef01"}\n');
  for (let index = 1; index <= FILES; index++) {
    const type = `bench-${String(index).padStart(4, '0')}`;
    writeFileSync(join(base44, 'connectors', `${type}.jsonc`), JSON.stringify({ type, scopes: ['a', 'b'] }));
  }
  return root;
}

let firstRequestAt = 0;
const listener = createServer((_request, response) => {
  if (!firstRequestAt) firstRequestAt = performance.now();
  response.writeHead(503, { 'content-type': 'application/json' });
  response.end('{"message":"benchmark listener","code":"unavailable"}');
});
await new Promise((done) => listener.listen(0, '127.0.0.1', done));
const project = aProject();
const environment = {
  ...process.env,
  CI: '1',
  HOME: project,
  BASE44_API_URL: `http://127.0.0.1:${listener.address().port}`,
  BASE44_API_KEY: `b44k_0123456789abcdef_${'a'.repeat(43)}`,
};

function pushOnce(bin) {
  firstRequestAt = 0;
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, [resolve(bin), 'connectors', 'push', '--yes'], {
      cwd: project,
      env: environment,
      stdio: 'ignore',
    });
    child.on('exit', () => done({ first: firstRequestAt - started, exit: performance.now() - started }));
  });
}

const samples = new Map(bins.map((bin) => [bin, { first: [], exit: [] }]));
for (let round = 0; round < ROUNDS + WARM_UP_ROUNDS; round++) {
  for (const bin of round % 2 ? [...bins].reverse() : bins) {
    const { first, exit } = await pushOnce(bin);
    if (round < WARM_UP_ROUNDS) continue;
    samples.get(bin).first.push(first);
    samples.get(bin).exit.push(exit);
  }
}
listener.close();
rmSync(project, { recursive: true, force: true });

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2;
};
console.log(`${FILES} connector files, ${ROUNDS} runs each, medians`);
for (const [bin, { first, exit }] of samples) {
  console.log(`${bin}: first request ${median(first).toFixed(1)} ms, exit ${median(exit).toFixed(1)} ms`);
}
