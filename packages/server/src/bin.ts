#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { AccountError } from './accounts/errors.js';
import {
  addAppMember,
  addUser,
  createAppFor,
  createKey,
  logoutUser,
  resetPassword,
  revoke,
  rotateEncryption,
  UsageError,
} from './admin/commands.js';
import { formatListing } from './admin/listing-output.js';
import { listApps, listKeys, listUsers } from './admin/listings.js';
import {
  ConfigError,
  ENVIRONMENT_VARIABLES,
  loadConfig,
  type ServerConfig,
  type ServerFlags,
} from './config.js';
import { HttpError } from './http/errors.js';
import { openCheckedStorage, startServer } from './start.js';
import { DataDirError } from './storage/data-dir.js';
import type { Storage } from './storage/database.js';

const program = new Command('base44-server')
  .description('Self-hostable Base44 connectors server: accounts, apps, login, OAuth broker, token vault')
  .showHelpAfterError();

function storageOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--data-dir <dir>',
        `data directory (SQLite database, secrets); default ~/.base44-server (env ${ENVIRONMENT_VARIABLES.dataDir})`,
      ),
    )
    .addOption(
      new Option(
        '--database-url <url>',
        `PostgreSQL instead of SQLite: postgres://user@host:5432/db[?schema=name] (env ${ENVIRONMENT_VARIABLES.databaseUrl})`,
      ),
    );
}

storageOptions(
  program
    .command('start')
    .description('start the HTTP server (migrates the database first)')
    .addOption(new Option('--host <host>', `address to listen on (env ${ENVIRONMENT_VARIABLES.host})`))
    .addOption(new Option('--port <port>', `port to listen on (env ${ENVIRONMENT_VARIABLES.port})`))
    .addOption(
      new Option(
        '--public-url <url>',
        `the URL people reach this server at; default http://HOST:PORT (env ${ENVIRONMENT_VARIABLES.publicUrl})`,
      ),
    )
    .addOption(
      new Option(
        '--log-level <level>',
        `fatal, error, warn, info, debug (env ${ENVIRONMENT_VARIABLES.logLevel})`,
      ),
    )
    .addOption(
      new Option(
        '--sandbox',
        `the built-in sandbox provider plays every provider: no credentials needed (env ${ENVIRONMENT_VARIABLES.sandbox}=1)`,
      ),
    )
    .addOption(
      new Option(
        '--public-api-only',
        `answer as the Base44 cloud does, without this server's extensions, to check a client against its contract (env ${ENVIRONMENT_VARIABLES.publicApiOnly}=1)`,
      ),
    )
    .addOption(
      new Option(
        '--providers-file <file>',
        `JSON with provider client credentials and extra catalog entries (env ${ENVIRONMENT_VARIABLES.providersFile})`,
      ),
    ),
).action(async (flags: ServerFlags) => {
  const config = loadConfig(flags, process.env);
  const server = await startServer(config);
  process.stdout.write(`base44-server listening on ${server.url}\n`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});

const users = program.command('users').description('manage accounts');
storageOptions(
  users
    .command('add')
    .description('create an account; prints the generated password (or, with --password-stdin, the user id)')
    .requiredOption('--email <email>', 'the account email')
    .option('--name <name>', 'display name (default: the part of the email before @)')
    .option('--password-stdin', 'read the password from standard input instead of generating one'),
).action(
  admin((storage, flags: { email: string; name?: string; passwordStdin?: boolean }) =>
    addUser(
      storage,
      { email: flags.email, name: flags.name, password: flags.passwordStdin ? readPassword() : undefined },
      Date.now(),
    ),
  ),
);

storageOptions(
  users
    .command('logout')
    .description(
      'end every login of a user: browser sessions and CLI logins (their refresh and access tokens); ' +
        'API keys are left alone (use keys revoke); prints what it ended',
    )
    .requiredOption('--email <email>', 'the account email'),
).action(
  admin((storage, flags: { email: string }, _argument, config) =>
    logoutUser(storage, config, flags, Date.now()),
  ),
);

storageOptions(
  users
    .command('reset-password')
    .description(
      'give a user a new password and end their browser sessions and CLI logins; prints the generated password (or, with --password-stdin, the user id)',
    )
    .requiredOption('--email <email>', 'the account email')
    .option('--password-stdin', 'read the new password from standard input instead of generating one'),
).action(
  admin((storage, flags: { email: string; passwordStdin?: boolean }, _argument, config) =>
    resetPassword(
      storage,
      config,
      { email: flags.email, password: flags.passwordStdin ? readPassword() : undefined },
      Date.now(),
    ),
  ),
);

storageOptions(
  users
    .command('list')
    .description('list the accounts: id, email, name, apps, created')
    .option('--json', 'print JSON'),
).action(
  admin(async (storage, flags: { json?: boolean }) =>
    formatListing(
      await listUsers(storage),
      ['id', 'email', 'name', 'apps', 'created_at'],
      flags.json === true,
    ),
  ),
);

const apps = program.command('apps').description('manage apps and their members');
storageOptions(
  apps
    .command('create')
    .description('create an app owned by a user; prints the app id')
    .requiredOption('--name <name>', 'app name')
    .requiredOption('--owner <email>', 'email of the owning user'),
).action(
  admin((storage, flags: { name: string; owner: string }) => createAppFor(storage, flags, Date.now())),
);
storageOptions(
  apps
    .command('add-member')
    .description('let a user act on an app; prints the user id')
    .requiredOption('--app <id>', 'app id')
    .requiredOption('--email <email>', 'email of the user to add'),
).action(admin((storage, flags: { app: string; email: string }) => addAppMember(storage, flags, Date.now())));

storageOptions(
  apps
    .command('list')
    .description('list the apps: id, name, owner, members, created')
    .option('--json', 'print JSON'),
).action(
  admin(async (storage, flags: { json?: boolean }) =>
    formatListing(
      await listApps(storage),
      ['id', 'name', 'owner', 'members', 'created_at'],
      flags.json === true,
    ),
  ),
);

const keys = program.command('keys').description('manage API keys');
storageOptions(
  keys
    .command('create')
    .description(
      'create a workspace key (b44k_…, acts as a user) or a service key (b44s_…, reads one app’s tokens); prints it',
    )
    .option('--email <email>', 'workspace key acting as this user')
    .option('--service', 'service key for backend code of one app (needs --app)')
    .option('--app <id>', 'the app of a service key'),
).action(
  admin((storage, flags: { email?: string; service?: boolean; app?: string }) =>
    createKey(storage, flags, Date.now()),
  ),
);
storageOptions(
  keys.command('revoke').description('revoke a key by its id (or the whole key)').argument('<key-id>'),
).action(
  admin(
    (storage, _flags: Record<string, never>, keyId: string) => revoke(storage, keyId, Date.now()),
    'argument-first',
  ),
);

storageOptions(
  keys
    .command('list')
    .description(
      'list the API keys: prefix and id (never the secret), kind, owner, created, last used (to the hour)',
    )
    .option('--all', 'revoked keys too')
    .option('--json', 'print JSON'),
).action(
  admin(async (storage, flags: { all?: boolean; json?: boolean }) =>
    formatListing(
      await listKeys(storage, flags.all === true),
      ['key', 'kind', 'owner', 'created_at', 'last_used_at', ...(flags.all ? (['revoked_at'] as const) : [])],
      flags.json === true,
    ),
  ),
);

storageOptions(
  keys
    .command('rotate-encryption')
    .description('make a new encryption key current and re-encrypt every stored token with it'),
).action(
  admin((storage, _flags: Record<string, never>, _argument, config) => rotateEncryption(storage, config)),
);

/** Wraps an admin action: opens the storage its flags name, prints the result line, closes. */
function admin<Flags>(
  action: (storage: Storage, flags: Flags, argument: string, config: ServerConfig) => Promise<string>,
  shape: 'flags-only' | 'argument-first' = 'flags-only',
) {
  return async (...args: unknown[]) => {
    const [argument, flags] = shape === 'argument-first' ? [args[0] as string, args[1]] : ['', args[0]];
    const storageFlags = flags as ServerFlags;
    const config = loadConfig(
      { dataDir: storageFlags.dataDir, databaseUrl: storageFlags.databaseUrl },
      process.env,
    );
    const storage = await openCheckedStorage(config);
    try {
      process.stdout.write(`${await action(storage, flags as Flags, argument, config)}\n`);
    } finally {
      await storage.close();
    }
  };
}

function readPassword(): string {
  if (process.stdin.isTTY)
    throw new UsageError(
      '--password-stdin reads a piped password: echo "$PASSWORD" | base44-server users add|reset-password …',
    );
  return readFileSync(0, 'utf8').replace(/\r?\n$/, '');
}

try {
  await program.parseAsync();
} catch (error) {
  const usage = error instanceof UsageError || error instanceof ConfigError;
  // Problems of the surroundings (a full or read-only disk, the database away): the message says it all.
  const surroundings =
    error instanceof AccountError || error instanceof DataDirError || error instanceof HttpError;
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  if (!usage && !surroundings && error instanceof Error && error.stack)
    process.stderr.write(`${error.stack}\n`);
  process.exit(usage ? 2 : 1);
}
