import { Command, CommanderError } from 'commander';
import { loginCommand } from './commands/auth/login.command.js';
import { logoutCommand } from './commands/auth/logout.command.js';
import { whoamiCommand } from './commands/auth/whoami.command.js';
import { connectorsCommand } from './commands/connectors/connectors.command.js';
import type { CommandContext } from './commands/context.js';
import { type Action, appIdOption, type Invocation, type Invoke, jsonOption } from './commands/define.js';
import { ApiError, CliError, ExitCode, InvalidFilesError } from './core/errors.js';

export type { Invocation };

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

/**
 * The command tree, assembled from the commands' own definitions; each command's code is imported
 * only when it runs. `--json` and `--app-id` are global, as in the public CLI: accepted before the
 * command (`base44 --json connectors status`) as well as after it, where each command also lists them.
 */
export function buildProgram(version: string, invoke: Invoke, writeErr: (text: string) => void): Command {
  const program = new Command('base44')
    .description(
      'Connectors as configuration: push, pull and authorize the OAuth connections of a Base44 app',
    )
    .version(version, '-V, --version')
    .addOption(jsonOption())
    .addOption(appIdOption())
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeErr })
    .addCommand(connectorsCommand(invoke))
    .addCommand(loginCommand(invoke))
    .addCommand(logoutCommand(invoke))
    .addCommand(whoamiCommand(invoke));
  inheritSettings(program);
  return program;
}

/** What `program.command()` would have copied to each subcommand (exit override, output, help after errors). */
function inheritSettings(parent: Command): void {
  for (const child of parent.commands) {
    child.copyInheritedSettings(parent);
    inheritSettings(child);
  }
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
