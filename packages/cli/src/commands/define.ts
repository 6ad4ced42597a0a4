import { Command, InvalidArgumentError, Option } from 'commander';
import type { ExitCode } from '../core/errors.js';
import type { CommandContext } from './context.js';

/** What a command runs: its context, its flags (global ones included), its arguments. */
export type Action<Flags> = (
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

/** How a parsed command is handed to whoever runs it (the program, or a test that only looks). */
export type Invoke = (invocation: Invocation) => Promise<void>;

/**
 * A command whose code is imported only when it runs: its definition (flags, description) is all
 * that `--help` reads. The flags it gets are its own over the global ones.
 */
export function defineCommand<Flags>(
  name: string,
  invoke: Invoke,
  load: () => Promise<Action<Flags>>,
): Command {
  return new Command(name).action(async (...received: unknown[]) => {
    const cmd = received.at(-1) as Command;
    const args = received.slice(0, -2).filter((value): value is string => typeof value === 'string');
    await invoke({
      command: commandPath(cmd),
      flags: flagsOf(cmd),
      args,
      load: load as Invocation['load'],
    });
  });
}

export const APP_ID_HELP = 'the app (default: BASE44_APP_ID, else the project’s .app.jsonc)';
export const JSON_HELP = 'write one JSON document to stdout; everything else goes to stderr';

/** `--app-id`: global, and listed again by each command that acts on an app. */
export const appIdOption = () => new Option('--app-id <id>', APP_ID_HELP);
/** `--json`: global, and listed again by each command that can answer in JSON. */
export const jsonOption = () => new Option('--json', JSON_HELP);
export const dirOption = () =>
  new Option(
    '--dir <path>',
    'the connectors folder (default: base44/connectors, or ./connectors outside a project)',
  );
export const timeoutOption = (help: string) =>
  new Option('--timeout <seconds>', help).default(300).argParser(positiveNumber);

/** Commander reports an InvalidArgumentError as a usage error naming the option; any other error would crash. */
function positiveNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new InvalidArgumentError(`expected a number of seconds, got "${value}"`);
  return number;
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
