import type { Command } from 'commander';
import { appIdOption, defineCommand, type Invoke, jsonOption } from '../define.js';

export const listAvailableCommand = (invoke: Invoke): Command =>
  defineCommand('list-available', invoke, async () => (await import('./list-available.js')).listAvailable)
    .addOption(jsonOption())
    .description('the connector types this server offers')
    .addOption(appIdOption());
