import { Command, CommanderError, Option } from 'commander';
import type { CommandContext } from './commands/context.js';
import { readEnvironment } from './core/environment.js';
import { CliError, ExitCode, InvalidFilesError } from './core/errors.js';

type Action<Flags> = (
  context: CommandContext,
  flags: Flags,
  ...args: string[]
) => Promise<ExitCode | undefined>;

/** Builds the command tree; each command's code is imported only when it runs. */
export async function run(process: NodeJS.Process, version: string): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = new Command('base44')
    .description(
      'Connectors as configuration: push, pull and authorize the OAuth connections of a Base44 app',
    )
    .version(version, '-V, --version')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  const command = <Flags>(parent: Command, name: string, load: () => Promise<Action<Flags>>) =>
    parent.command(name).action(async (...received: unknown[]) => {
      const cmd = received.at(-1) as Command;
      const flags = cmd.opts();
      const args = received.slice(0, -2).filter((value): value is string => typeof value === 'string');
      const { createContext } = await import('./commands/context.js');
      const context = createContext(readEnvironment(process), process, flags.json === true);
      exitCode = await runAction(context, () =>
        load().then((action) => action(context, flags as Flags, ...args)),
      );
    });
  const target = (cmd: Command) =>
    cmd
      .option('--app-id <id>', 'the app (default: base44/.app.jsonc, or BASE44_APP_ID outside a project)')
      .option(
        '--dir <path>',
        'the connectors folder (default: base44/connectors, or ./connectors outside a project)',
      );
  const json = (cmd: Command) =>
    cmd.option('--json', 'write one JSON document to stdout; everything else goes to stderr');

  const connectors = program.command('connectors').description('manage the connectors of an app');
  json(target(command(connectors, 'push', async () => (await import('./commands/connectors/push.js')).push)))
    .description(
      'push local connector files: sync scopes, add new connectors (OAuth in the browser), remove unlisted ones',
    )
    .option('--dry-run', 'print the plan and change nothing (exit 3 when something would change)')
    .option('-y, --yes', 'open the browser for new authorizations without asking')
    .addOption(
      new Option('--timeout <seconds>', 'how long to wait for authorizations')
        .default(300)
        .argParser(positiveNumber),
    );
  json(
    target(command(connectors, 'pull', async () => (await import('./commands/connectors/pull.js')).pull)),
  ).description("write the app's connectors into local files, and delete files of connectors that are gone");
  json(
    command(
      connectors,
      'list-available',
      async () => (await import('./commands/connectors/list-available.js')).listAvailable,
    ),
  )
    .description('the connector types this server offers')
    .option('--app-id <id>', 'the app (default: the project’s, or BASE44_APP_ID)');
  json(
    command(connectors, 'initiate', async () => (await import('./commands/connectors/initiate.js')).initiate),
  )
    .description(
      'authorize one connector without a project: prints the link, opens the browser when interactive, waits',
    )
    .requiredOption('--integration-type <type>', 'the connector type, e.g. slack')
    .option('--scopes <scopes>', 'comma-separated scopes')
    .option('--app-id <id>', 'the app (default: the project’s, or BASE44_APP_ID)')
    .addOption(new Option('--timeout <seconds>', 'how long to wait').default(300).argParser(positiveNumber));
  json(
    target(
      command(connectors, 'status', async () => (await import('./commands/connectors/status.js')).status),
    ),
  ).description('what push would change, and the health of every connector of the app');
  target(command(connectors, 'create', async () => (await import('./commands/connectors/create.js')).create))
    .description("write <type>.jsonc with the catalog's default scopes")
    .argument('<type>', 'the connector type, e.g. slack');

  command(program, 'login', async () => (await import('./commands/auth/login.js')).login).description(
    'log in to the server (device code: approve in the browser)',
  );
  command(program, 'logout', async () => (await import('./commands/auth/logout.js')).logout).description(
    'forget the stored login',
  );
  json(
    command(program, 'whoami', async () => (await import('./commands/auth/whoami.js')).whoami),
  ).description('the account and server the CLI uses');

  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version'
        ? ExitCode.ok
        : ExitCode.invalid;
    }
    throw error;
  }
  return exitCode;
}

/** Runs a command; its errors become a message, hints and an exit code. Only here do errors end a command. */
async function runAction(
  context: CommandContext,
  action: () => Promise<ExitCode | undefined>,
): Promise<number> {
  try {
    return (await action()) ?? ExitCode.ok;
  } catch (error) {
    const { output } = context;
    if (error instanceof CliError) {
      if (error instanceof InvalidFilesError) output.error(error.message);
      else output.error(`${output.paint.red('Error:')} ${error.message}`);
      for (const hint of error.hints) output.error(`  ${hint}`);
      if (output.jsonMode) {
        const problems = error instanceof InvalidFilesError ? { problems: error.problems } : {};
        output.json({
          error: { code: error.code, message: error.message, hints: error.hints, ...problems },
          exit_code: error.exitCode,
        });
      }
      return error.exitCode;
    }
    output.error(
      `${output.paint.red('Unexpected error:')} ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return ExitCode.failed;
  }
}

function positiveNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new Error(`expected a number of seconds, got "${value}"`);
  return number;
}
