import { describe, expect, it } from 'vitest';
import { buildProgram, type Invocation } from '../../src/program.js';

/** What the program would run for these arguments (`base44 …`), without running it. */
async function invoked(...argv: string[]): Promise<Omit<Invocation, 'load'>> {
  let seen: Invocation | undefined;
  const program = buildProgram(
    '0.0.0',
    async (invocation) => {
      seen = invocation;
    },
    () => {},
  );
  await program.parseAsync(argv, { from: 'user' });
  if (!seen) throw new Error(`no command ran for: ${argv.join(' ')}`);
  const { load: _load, ...rest } = seen;
  return rest;
}

describe('global flags: --json and --app-id before or after the command', () => {
  it.each([
    [['--json', 'connectors', 'status']],
    [['connectors', '--json', 'status']],
    [['connectors', 'status', '--json']],
    [['connectors', 'status', '--dir', 'x', '--json']],
  ])('base44 %j gives status json', async (argv) => {
    expect((await invoked(...argv)).flags).toMatchObject({ json: true });
  });

  it.each([
    [['--app-id', 'app-1', 'connectors', 'push', '--dry-run']],
    [['connectors', 'push', '--app-id', 'app-1', '--dry-run']],
    [['connectors', 'push', '--dry-run', '--app-id', 'app-1']],
  ])('base44 %j gives push the app', async (argv) => {
    const { command, flags } = await invoked(...argv);
    expect(command).toBe('connectors push');
    expect(flags).toMatchObject({ appId: 'app-1', dryRun: true, timeout: 300 });
  });

  it("prefers the command's own --app-id to one given before the command", async () => {
    const { flags } = await invoked(
      '--app-id',
      'outer',
      'connectors',
      'pull',
      '--dir',
      'c',
      '--app-id',
      'inner',
    );
    expect(flags).toMatchObject({ appId: 'inner', dir: 'c' });
  });

  it('gives --json to commands that did not list it, such as create', async () => {
    expect((await invoked('--json', 'connectors', 'create', 'slack')).flags).toMatchObject({ json: true });
  });

  it('leaves both unset when not given (BASE44_APP_ID is read with the project)', async () => {
    const { flags } = await invoked('connectors', 'status');
    expect(flags.json).toBeUndefined();
    expect(flags.appId).toBeUndefined();
  });
});

describe('connectors initiate --scopes', () => {
  it.each([[['--scopes', 'a', 'b']], [['--scopes', 'a,b']], [['--scopes', 'a', '--scopes', 'b']]])(
    '%j reaches the command as the scopes a and b',
    async (scopes) => {
      const { flags } = await invoked('connectors', 'initiate', '--integration-type', 'slack', ...scopes);
      expect([flags.scopes].flat().flatMap((given) => String(given).split(','))).toEqual(['a', 'b']);
    },
  );

  it('ends the scopes at the next flag', async () => {
    const { flags } = await invoked(
      'connectors',
      'initiate',
      '--scopes',
      'a',
      'b',
      '--integration-type',
      'slack',
    );
    expect(flags).toMatchObject({ scopes: ['a', 'b'], integrationType: 'slack' });
  });
});

describe('connector types given as flags or arguments are case-insensitive', () => {
  it('reads --integration-type Slack as slack', async () => {
    expect((await invoked('connectors', 'initiate', '--integration-type', 'Slack')).flags).toMatchObject({
      integrationType: 'slack',
    });
  });

  it('reads connectors create Slack as slack', async () => {
    expect((await invoked('connectors', 'create', 'GoogleCalendar')).args).toEqual(['googlecalendar']);
  });
});

describe('flags each command declares', () => {
  it('refuses a --timeout that is not a positive number as a usage error naming the flag', async () => {
    let written = '';
    const program = buildProgram(
      '0.0.0',
      async () => {},
      (text) => {
        written += text;
      },
    );
    const error = await program
      .parseAsync(['connectors', 'push', '--timeout', 'soon'], { from: 'user' })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'commander.invalidArgument' });
    expect(written).toContain(`option '--timeout <seconds>' argument 'soon' is invalid`);
    expect(written).toContain('expected a number of seconds, got "soon"');
  });

  it('lists each command with the flags it declares, global ones included', () => {
    const program = buildProgram(
      '0.0.0',
      async () => {},
      () => {},
    );
    const flags = (path: string[]) => {
      let command = program;
      for (const name of path) command = command.commands.find((sub) => sub.name() === name)!;
      return command.options.map((option) => option.long);
    };
    expect(flags([])).toEqual(['--version', '--json', '--app-id']);
    expect(flags(['connectors', 'push'])).toEqual([
      '--app-id',
      '--dir',
      '--json',
      '--dry-run',
      '--yes',
      '--timeout',
    ]);
    expect(flags(['connectors', 'create'])).toEqual(['--app-id', '--dir']);
    expect(flags(['login'])).toEqual([]);
  });
});
