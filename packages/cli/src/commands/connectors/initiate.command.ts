import { type Command, Option } from 'commander';
import { normaliseType } from '../../core/connector-type.js';
import { appIdOption, defineCommand, type Invoke, jsonOption, timeoutOption } from '../define.js';

export const initiateCommand = (invoke: Invoke): Command =>
  defineCommand('initiate', invoke, async () => (await import('./initiate.js')).initiate)
    .addOption(jsonOption())
    .description(
      'authorize one connector without a project: prints the link, opens the browser when interactive, waits',
    )
    .addOption(
      new Option('--integration-type <type>', 'the connector type, e.g. slack')
        .makeOptionMandatory()
        .argParser(normaliseType),
    )
    .option('--scopes <scopes...>', 'the scopes: `--scopes a b`, `--scopes a,b` or `--scopes a --scopes b`')
    .addOption(appIdOption())
    .addOption(timeoutOption('how long to wait'));
