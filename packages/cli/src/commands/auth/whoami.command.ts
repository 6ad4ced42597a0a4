import type { Command } from 'commander';
import { defineCommand, type Invoke, jsonOption } from '../define.js';

export const whoamiCommand = (invoke: Invoke): Command =>
  defineCommand('whoami', invoke, async () => (await import('./whoami.js')).whoami)
    .addOption(jsonOption())
    .description('the account and server the CLI uses');
