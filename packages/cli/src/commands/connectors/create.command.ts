import type { Command } from 'commander';
import { normaliseType } from '../../core/connector-type.js';
import { appIdOption, defineCommand, dirOption, type Invoke } from '../define.js';

export const createCommand = (invoke: Invoke): Command =>
  defineCommand('create', invoke, async () => (await import('./create.js')).create)
    .addOption(appIdOption())
    .addOption(dirOption())
    .description("write <type>.jsonc with the catalog's default scopes")
    .argument('<type>', 'the connector type, e.g. slack', normaliseType);
