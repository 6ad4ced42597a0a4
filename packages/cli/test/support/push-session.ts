import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import {
  aConnectorProject,
  aFakeBrowser,
  CLI_BIN,
  type Connector,
  cliEnvironment,
  type FakeBrowser,
} from './cli.js';
import type { SandboxServer } from './server.js';
import { aTempDir } from './temp.js';
import { Terminal } from './terminal.js';

/** A person's project of one app in a scratch folder, and `base44` run for it in terminals of its own. */
export interface PushSession {
  dir: string;
  project: string;
  browser: FakeBrowser;
  env: Record<string, string>;
  /** `base44 ARGS` in a new terminal (killed when the test ends), in the project unless `cwd` says. */
  inTerminal(args: string[], cwd?: string): Promise<Terminal>;
}

/**
 * The connector files of `appId` in a project, with the CLI's environment: a server (or a proxy in
 * front of it, `apiUrl`), the server's workspace key, NO_COLOR, and a fake browser.
 */
export async function aPushSession(
  server: SandboxServer,
  appId: string,
  connectors: Connector[],
  options: { apiUrl?: string; env?: Record<string, string> } = {},
): Promise<PushSession> {
  const dir = await aTempDir('base44-push-e2e-');
  const project = await aConnectorProject(join(dir, 'project'), appId, connectors);
  const browser = await aFakeBrowser(dir);
  const env = cliEnvironment({
    HOME: join(dir, 'home'),
    NO_COLOR: '1',
    BASE44_API_URL: options.apiUrl ?? server.url,
    BASE44_API_KEY: server.apiKey,
    BROWSER: browser.command,
    ...options.env,
  });
  let runs = 0;
  return {
    dir,
    project,
    browser,
    env,
    async inTerminal(args, cwd = project) {
      const terminalDir = join(dir, `terminal-${++runs}`);
      await mkdir(terminalDir);
      const terminal = await Terminal.start({
        command: [process.execPath, CLI_BIN, ...args],
        cwd,
        env,
        dir: terminalDir,
      });
      onTestFinished(() => terminal.kill());
      return terminal;
    },
  };
}

/** The `  type: url` lines a push printed, by type. */
export function authorizationLinks(screen: string): Map<string, string> {
  return new Map(
    [...screen.matchAll(/^ {2}(\w+): (https?:\/\/\S+)$/gm)].map(([, type, url]) => [type!, url!]),
  );
}

/** Each connector of the app and how the server lists it, in the list's order. */
export async function connectorStatuses(server: SandboxServer, appId: string) {
  const { integrations } = await server.connectors(appId).list();
  return integrations.map(({ integration_type, status }) => ({ integration_type, status }));
}
