import type { Command } from 'commander';
import { appIdOption, defineCommand, dirOption, type Invoke, jsonOption } from '../define.js';

export const pullCommand = (invoke: Invoke): Command =>
  defineCommand('pull', invoke, async () => (await import('./pull.js')).pull)
    .addOption(appIdOption())
    .addOption(dirOption())
    .addOption(jsonOption())
    .description("write the app's connectors into local files, and delete files of connectors that are gone");
