import type { Command } from 'commander';
import { appIdOption, defineCommand, dirOption, type Invoke, jsonOption } from '../define.js';

export const statusCommand = (invoke: Invoke): Command =>
  defineCommand('status', invoke, async () => (await import('./status.js')).status)
    .addOption(appIdOption())
    .addOption(dirOption())
    .addOption(jsonOption())
    .description('what push would change, and the health of every connector of the app');
