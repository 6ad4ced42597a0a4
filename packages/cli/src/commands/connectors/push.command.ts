import type { Command } from 'commander';
import { appIdOption, defineCommand, dirOption, type Invoke, jsonOption, timeoutOption } from '../define.js';

export const pushCommand = (invoke: Invoke): Command =>
  defineCommand('push', invoke, async () => (await import('./push.js')).push)
    .addOption(appIdOption())
    .addOption(dirOption())
    .addOption(jsonOption())
    .description(
      'push local connector files: sync scopes, add new connectors (OAuth in the browser), remove unlisted ones',
    )
    .option('--dry-run', 'print the plan and change nothing (exit 3 when something would change)')
    .option('-y, --yes', 'open the browser for new authorizations without asking')
    .addOption(timeoutOption('how long to wait for authorizations'));
