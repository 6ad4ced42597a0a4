import { createServer } from 'node:net';
import { PASSWORD } from '../../../server/test/support/accounts.js';
import {
  createTestDatabase,
  storageFlags,
  type TestDatabase,
} from '../../../server/test/support/databases.js';
import {
  runServerCommand,
  type ServerProcess,
  startServerProcess,
} from '../../../server/test/support/server-process.js';
import { assertServesMode, type ServerMode, serverModeFlags } from './server-modes.js';

export interface LoginServer {
  url: string;
  mode: ServerMode;
  /** A person who can sign in on the server's pages with `password`, and owns `appId`. */
  email: string;
  password: string;
  appId: string;
  stop(): Promise<void>;
}

/**
 * `base44-server start` on a fresh SQLite directory with one person who has a password (for the
 * device login in a browser) and an app; the CLI is told to poll every second. As ours unless
 * `mode` says `public-api-only`.
 */
export async function startLoginServer(
  options: { email?: string; mode?: ServerMode } = {},
): Promise<LoginServer> {
  const email = options.email ?? 'alice@example.com';
  const mode = options.mode ?? 'ours';
  const database = await createTestDatabase('sqlite');
  let server: ServerProcess | undefined;
  try {
    const flags = storageFlags(database);
    await admin(['users', 'add', '--email', email, '--password-stdin', ...flags], PASSWORD);
    const appId = await admin(['apps', 'create', '--name', 'Login app', '--owner', email, ...flags]);
    const port = await freePort();
    server = await startServerProcess(
      [...serverModeFlags(mode), '--port', String(port), '--log-level', 'warn', ...flags],
      { BASE44_SERVER_DEVICE_POLL_INTERVAL: '1' },
    );
    await assertServesMode(server.url, mode);
    const running = server;
    return {
      url: running.url,
      mode,
      email,
      password: PASSWORD,
      appId,
      stop: () => stopAll(running, database),
    };
  } catch (error) {
    await stopAll(server, database);
    throw error;
  }
}

async function stopAll(server: ServerProcess | undefined, database: TestDatabase): Promise<void> {
  await server?.stop();
  await database.dispose();
}

async function admin(args: string[], stdin?: string): Promise<string> {
  const result = await runServerCommand(args, stdin === undefined ? {} : { stdin });
  if (result.code !== 0)
    throw new Error(`base44-server ${args[0]} ${args[1]} exited with ${result.code}: ${result.stderr}`);
  return result.stdout.trim();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
