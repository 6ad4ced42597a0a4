import { Command, CommanderError, Option } from 'commander';
import type { CommandContext } from './commands/context.js';
import { normaliseType } from './core/connector-type.js';
import { ApiError, CliError, ExitCode, InvalidFilesError } from './core/errors.js';

type Action<Flags> = (
  context: CommandContext,
  flags: Flags,
  ...args: string[]
) => Promise<ExitCode | undefined>;

/** A command the person asked for: its name, its flags (global ones included), its arguments. */
export interface Invocation {
  /** e.g. `connectors push` */
  command: string;
  flags: Record<string, unknown>;
  args: string[];
  /** Imports the command's code. */
  load(): Promise<Action<never>>;
}

/** Parses the arguments and runs the command they name; only here does the process learn its exit code. */
export async function run(process: NodeJS.Process, version: string): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = buildProgram(
    version,
    async ({ flags, args, load }) => {
      // Imported here, not above: reading the project's files needs the JSON parsers, and `--help` does not.
      const [{ createContext }, { readEnvironment }] = await Promise.all([
        import('./commands/context.js'),
        import('./core/environment.js'),
      ]);
      const context = createContext(readEnvironment(process), process, flags.json === true);
      exitCode = await runAction(context, () =>
        load().then((action) => (action as Action<typeof flags>)(context, flags, ...args)),
      );
    },
    (text) => process.stderr.write(text),
  );
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

const APP_ID_HELP = 'the app (default: BASE44_APP_ID, else the project’s .app.jsonc)';
const JSON_HELP = 'write one JSON document to stdout; everything else goes to stderr';

/**
 * The command tree; each command's code is imported only when it runs. `--json` and `--app-id` are
 * global, as in the public CLI: accepted before the command (`base44 --json connectors status`) as
 * well as after it, where each command also lists them.
 */
export function buildProgram(
  version: string,
  invoke: (invocation: Invocation) => Promise<void>,
  writeErr: (text: string) => void,
): Command {
  const program = new Command('base44')
    .description(
      'Connectors as configuration: push, pull and authorize the OAuth connections of a Base44 app',
    )
    .version(version, '-V, --version')
    .option('--json', JSON_HELP)
    .option('--app-id <id>', APP_ID_HELP)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeErr });

  const command = <Flags>(parent: Command, name: string, load: () => Promise<Action<Flags>>) =>
    parent.command(name).action(async (...received: unknown[]) => {
      const cmd = received.at(-1) as Command;
      const args = received.slice(0, -2).filter((value): value is string => typeof value === 'string');
      await invoke({
        command: commandPath(cmd),
        flags: flagsOf(cmd),
        args,
        load: load as Invocation['load'],
      });
    });
  const target = (cmd: Command) =>
    cmd
      .option('--app-id <id>', APP_ID_HELP)
      .option(
        '--dir <path>',
        'the connectors folder (default: base44/connectors, or ./connectors outside a project)',
      );
  const json = (cmd: Command) => cmd.option('--json', JSON_HELP);

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
    .option('--app-id <id>', APP_ID_HELP);
  json(
    command(connectors, 'initiate', async () => (await import('./commands/connectors/initiate.js')).initiate),
  )
    .description(
      'authorize one connector without a project: prints the link, opens the browser when interactive, waits',
    )
    .addOption(
      new Option('--integration-type <type>', 'the connector type, e.g. slack')
        .makeOptionMandatory()
        .argParser(normaliseType),
    )
    .option('--scopes <scopes...>', 'the scopes: `--scopes a b`, `--scopes a,b` or `--scopes a --scopes b`')
    .option('--app-id <id>', APP_ID_HELP)
    .addOption(new Option('--timeout <seconds>', 'how long to wait').default(300).argParser(positiveNumber));
  json(
    target(
      command(connectors, 'status', async () => (await import('./commands/connectors/status.js')).status),
    ),
  ).description('what push would change, and the health of every connector of the app');
  target(command(connectors, 'create', async () => (await import('./commands/connectors/create.js')).create))
    .description("write <type>.jsonc with the catalog's default scopes")
    .argument('<type>', 'the connector type, e.g. slack', normaliseType);

  command(program, 'login', async () => (await import('./commands/auth/login.js')).login).description(
    'log in to the server (device code: approve in the browser)',
  );
  command(program, 'logout', async () => (await import('./commands/auth/logout.js')).logout).description(
    'forget the stored login',
  );
  json(
    command(program, 'whoami', async () => (await import('./commands/auth/whoami.js')).whoami),
  ).description('the account and server the CLI uses');

  return program;
}

/** A command's own flags over the global ones (given before the command, or taken by the root). */
function flagsOf(cmd: Command): Record<string, unknown> {
  const own = Object.entries(cmd.opts()).filter(([, value]) => value !== undefined);
  return { ...cmd.optsWithGlobals(), ...Object.fromEntries(own) };
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let at: Command | null = cmd; at?.parent; at = at.parent) names.unshift(at.name());
  return names.join(' ');
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
      const details = error instanceof ApiError ? error.details : [];
      for (const detail of details) output.error(`  ${detail}`);
      for (const hint of error.hints) output.error(`  ${hint}`);
      if (output.jsonMode) {
        const problems = error instanceof InvalidFilesError ? { problems: error.problems } : {};
        output.json({
          error: { code: error.code, message: error.message, details, hints: error.hints, ...problems },
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
