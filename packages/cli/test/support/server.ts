// The one door from the CLI's tests into the server's test support: a real `base44-server start
// --sandbox` process, its accounts made with its own admin commands, and a person in Chromium.
// Each server runs in one of SERVER_MODES: as ours, or as the Base44 cloud (`--public-api-only`).
import { createServer } from 'node:net';
import type { Browser } from 'playwright-core';
import { ConnectorApi } from '../../../server/test/support/connectors.js';
import {
  createTestDatabase,
  storageFlags,
  type TestDatabase,
} from '../../../server/test/support/databases.js';
import { consentOverHttp } from '../../../server/test/support/http-consent.js';
import { consentInSandbox } from '../../../server/test/support/sandbox-consent.js';
import {
  runServerCommand,
  SERVER_BIN,
  type ServerProcess,
  startServerProcess,
} from '../../../server/test/support/server-process.js';
import {
  assertServesMode,
  differencesOf,
  type ModeDifferences,
  type ServerMode,
  serverModeFlags,
} from './server-modes.js';

export { launchChromium } from '../../../server/test/support/chromium.js';
export * from './server-modes.js';
export { ConnectorApi, consentInSandbox, consentOverHttp, SERVER_BIN };

export interface SandboxServer {
  url: string;
  mode: ServerMode;
  /** What the CLI shows, and the server answers, differently in this mode. */
  differences: ModeDifferences;
  /** The app's page that push's summary links to, when the CLI talks to this server directly. */
  dashboardUrl(appId: string): string;
  email: string;
  /** A workspace key acting as `email`, the owner of every app: what `BASE44_API_KEY` holds. */
  apiKey: string;
  /** The ids of the apps asked for, in order. */
  appIds: string[];
  /** The connector API of one app, over HTTP with the workspace key. */
  connectors(appId: string): ConnectorApi;
  stop(): Promise<void>;
}

/**
 * `base44-server start --sandbox` on a fresh SQLite directory, with one user owning `apps` apps
 * and a workspace key, all made beforehand with the server's admin commands; as ours unless
 * `mode` says `public-api-only`.
 */
export async function startSandboxServer(options: {
  apps: number;
  email?: string;
  mode?: ServerMode;
}): Promise<SandboxServer> {
  const mode = options.mode ?? 'ours';
  const email = options.email ?? 'owner@example.com';
  const database = await createTestDatabase('sqlite');
  let server: ServerProcess | undefined;
  try {
    const flags = storageFlags(database);
    await admin(['users', 'add', '--email', email, ...flags]);
    const appIds: string[] = [];
    // One at a time: each command opens (and migrates) the same SQLite file.
    for (let i = 1; i <= options.apps; i++)
      appIds.push(await admin(['apps', 'create', '--name', `App ${i}`, '--owner', email, ...flags]));
    const apiKey = await admin(['keys', 'create', '--email', email, ...flags]);
    const port = String(await freePort());
    server = await startServerProcess([
      '--sandbox',
      ...serverModeFlags(mode),
      '--port',
      port,
      '--log-level',
      'warn',
      ...flags,
    ]);
    await assertServesMode(server.url, mode);
    const running = server;
    return {
      url: running.url,
      mode,
      differences: differencesOf(mode),
      dashboardUrl: (appId) => differencesOf(mode).dashboardUrl(running.url, appId),
      email,
      apiKey,
      appIds,
      connectors: (appId) => new ConnectorApi(running, appId, { api_key: apiKey }),
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

/** Runs an admin command and answers what it printed: the new id or secret. */
async function admin(args: string[]): Promise<string> {
  const result = await runServerCommand(args);
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

/**
 * Authorizes a connector the way a person does outside the CLI: `PUT` its scopes, then sign in
 * and allow on the sandbox's pages in Chromium; resolves once the server calls it ACTIVE (asked
 * every 200 ms: a server in public-API-only mode does not long-poll).
 */
export async function authorizeInSandbox(
  browser: Browser,
  api: ConnectorApi,
  connector: { type: string; scopes: string[] },
  email: string,
): Promise<void> {
  const answer = await api.put(connector.type, connector.scopes);
  if (!answer.redirect_url || !answer.connection_id)
    throw new Error(`PUT ${connector.type} gave no authorization link: ${JSON.stringify(answer)}`);
  await consentInSandbox(browser, answer.redirect_url, { email, decision: 'allow' });
  const deadline = Date.now() + 10_000;
  let status = (await api.status(connector.type, answer.connection_id)).status;
  while (status === 'PENDING' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    status = (await api.status(connector.type, answer.connection_id)).status;
  }
  if (status !== 'ACTIVE') throw new Error(`${connector.type} is ${status} after consent, not ACTIVE`);
}
