#!/usr/bin/env node
// The entry point stays tiny: `--version` answers before anything else is loaded.
declare const __CLI_VERSION__: string;

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${__CLI_VERSION__}\n`);
} else {
  const { run } = await import('./program.js');
  process.exitCode = await run(process, __CLI_VERSION__);
}
