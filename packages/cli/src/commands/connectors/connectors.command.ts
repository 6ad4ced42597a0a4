import { Command } from 'commander';
import type { Invoke } from '../define.js';
import { createCommand } from './create.command.js';
import { initiateCommand } from './initiate.command.js';
import { listAvailableCommand } from './list-available.command.js';
import { pullCommand } from './pull.command.js';
import { pushCommand } from './push.command.js';
import { statusCommand } from './status.command.js';

export const connectorsCommand = (invoke: Invoke): Command =>
  new Command('connectors')
    .description('manage the connectors of an app')
    .addCommand(pushCommand(invoke))
    .addCommand(pullCommand(invoke))
    .addCommand(listAvailableCommand(invoke))
    .addCommand(initiateCommand(invoke))
    .addCommand(statusCommand(invoke))
    .addCommand(createCommand(invoke));
