#!/usr/bin/env node
// `npm run quickstart`: builds, starts base44-server --sandbox on SQLite in .quickstart/, makes a
// local account, an app and a workspace key for the CLI (once; kept in .quickstart/), then runs
// `base44 connectors push` in examples/quickstart. In a terminal the server keeps running until
// Ctrl-C; otherwise it stops after the push, so scripts and CI do not hang.
import { mkdirSync, rmSync } from 'node:fs';
import {
  APP_NAME,
  build,
  choosePort,
  DATA_DIR,
  FILES,
  findRunningServer,
  launchServer,
  PROJECT,
  prepareAccount,
  push,
  shown,
  stopServer,
  untilHealthy,
  writeAppFile,
  writeEnvFile,
} from './quickstart.steps.mjs';

// Everything the quickstart says, in one place.
const say = {
  usage: `usage: npm run quickstart [-- --keep-running]
  --keep-running  keep the server running after the push without a terminal too (until Ctrl-C or SIGTERM)
`,
  title: '\nbase44 quickstart: a local base44-server with the sandbox provider, and an example project\n\n',
  built: '✓ Built the packages (npm run build)\n',
  buildFailed: (code, output) => `${output}\nnpm run build exited with ${code}.\n`,
  server: (server) =>
    server.owned
      ? `✓ Server ${server.url}: base44-server --sandbox, its data and log in ${shown(DATA_DIR)}/\n`
      : `✓ Server ${server.url}: already running for a quickstart in another terminal (pid ${server.pid})\n`,
  account: (state, made) =>
    `✓ Account ${state.email}, app "${APP_NAME}" (${state.appId}) and a workspace key for the CLI${made ? '' : `, from ${shown(FILES.state)}`}\n`,
  project: `✓ Project ${shown(PROJECT)}: ${shown(FILES.appFile)} names the app\n`,
  push: `\n$ base44 connectors push     # in ${shown(PROJECT)}\n\n`,
  pushFailed: (code) => `\nbase44 connectors push exited with ${code}: see its message above.\n`,
  done: `
What happened: push read the three files in ${shown(PROJECT)}/base44/connectors/ and made the app
match them, the sandbox standing in for GitHub, Google and Slack. Run \`npm run quickstart\` again:
what is authorized reports Synced, what is pending asks again; edit, add or delete a connector
file, and the next push changes the app to match.
`,
  skipped: (serverStays) =>
    serverStays
      ? `
Not interactive (no terminal, or CI is set): no browser was opened. Open the links above while the
server runs to authorize; the next \`npm run quickstart\` then reports them Synced.
`
      : `
Not interactive (no terminal, or CI is set): no browser was opened, and the connectors above wait
for authorization. To finish, run \`npm run quickstart\` in a terminal (it asks, then opens the
browser), or run \`npm run quickstart -- --keep-running\` and open the links it prints while it runs.
`,
  next: (server, state) => `
Go on, in another terminal:
  . ${shown(FILES.env)}     # BASE44_API_URL, BASE44_API_KEY, BASE44_APP_ID, BASE44_SERVICE_TOKEN and a \`base44\` alias
  cd ${shown(PROJECT)}
  base44 connectors status          # each connector's health, and what push would change
  node ../backend-token/index.mjs   # backend code: slack's token through @base44/sdk
Dashboard: ${server.url}/ (sign in as ${state.email}, password ${state.password})
`,
  keepsRunning: '\nThe server keeps running: press Ctrl-C to stop it.\n',
  leftRunning: '\nThe server keeps running in the other terminal; Ctrl-C there stops it.\n',
  stopping: '\nStopping the server… ',
  stopped: 'stopped.\n',
  serverDied: (code) => `\nThe server stopped by itself (exit ${code}); its log: ${shown(FILES.log)}\n`,
  failed: (message) => `\nquickstart: ${message}\n`,
};

function main() {
  const args = process.argv.slice(2);
  if (args.some((arg) => arg !== '--keep-running')) {
    process.stderr.write(say.usage);
    process.exit(args.includes('--help') ? 0 : 2);
  }
  // A closed terminal (SIGHUP) makes writes fail; stopping the server matters more than saying so.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  const ci = Boolean(process.env.CI) && !['false', '0'].includes(process.env.CI);
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY) && !ci;
  run({ interactive, keepRunning: interactive || args.includes('--keep-running') }).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(say.failed(error instanceof Error ? error.message : String(error)));
      process.exit(1);
    },
  );
}

/** Owns its children: whatever ends the run (the push, a signal, an error) stops the server it started. */
async function run({ interactive, keepRunning }) {
  let server;
  let child;
  let serving = false;
  let stopping;
  const stop = (code) => {
    stopping ??= (async () => {
      child?.kill('SIGTERM');
      if (server?.owned) {
        const stopped = stopServer(server);
        process.stdout.write(say.stopping);
        await stopped;
        process.stdout.write(say.stopped);
      }
      return code;
    })();
    return stopping;
  };
  // Ctrl-C (or SIGTERM) is how a run that keeps the server ends: success then, an interruption before.
  const signalled = new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
      process.on(signal, () => resolve(stop(serving && signal !== 'SIGHUP' ? 0 : 130)));
  });
  /** Runs a step's child process; answers undefined when a signal stopped the run meanwhile. */
  const awaitChild = async (started) => {
    child = started.child;
    const result = await started.finished;
    child = undefined;
    return stopping ? undefined : result;
  };

  const work = async () => {
    process.stdout.write(say.title);
    const built = await awaitChild(build());
    if (!built) return stopping;
    if (built.code !== 0) {
      process.stdout.write(say.buildFailed(built.code, built.output));
      return 1;
    }
    process.stdout.write(say.built);
    mkdirSync(DATA_DIR, { recursive: true, mode: 0o700 });
    const { state, made } = await prepareAccount();
    server = await findRunningServer();
    if (!server && !stopping) {
      server = launchServer(await choosePort());
      await untilHealthy(server);
    }
    if (stopping) return stopping;
    process.stdout.write(say.server(server));
    process.stdout.write(say.account(state, made));
    writeAppFile(state.appId);
    writeEnvFile(server.url, state);
    process.stdout.write(say.project);
    process.stdout.write(say.push);

    const pushed = await awaitChild(push(server.url, state, interactive));
    if (!pushed) return stopping;
    if (pushed.code !== 0) {
      process.stdout.write(say.pushFailed(pushed.code));
      return stop(pushed.code);
    }
    const serverStays = keepRunning || !server.owned;
    process.stdout.write(pushed.output.includes('Skipped OAuth') ? say.skipped(serverStays) : say.done);
    if (!serverStays) return stop(0);
    process.stdout.write(say.next(server, state));
    if (!server.owned) {
      process.stdout.write(say.leftRunning);
      return 0;
    }
    process.stdout.write(say.keepsRunning);
    serving = true;
    const exitCode = await server.exited;
    if (stopping) return stopping;
    process.stdout.write(say.serverDied(exitCode));
    rmSync(FILES.server, { force: true });
    return 1;
  };

  return Promise.race([
    signalled,
    work().catch(async (error) => {
      await stop(1);
      throw error;
    }),
  ]);
}

main();
