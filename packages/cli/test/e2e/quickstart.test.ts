import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, symlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { saveScreenshot } from '../../../server/test/support/chromium.js';
import { aFakeBrowser, cliEnvironment, type FakeBrowser, type Finished } from '../support/cli.js';
import { consentInSandbox, launchChromium } from '../support/server.js';
import { aTempDir } from '../support/temp.js';
import { pollUntil, Terminal } from '../support/terminal.js';

// The README's main command, `npm ci && npm run quickstart`, as a newcomer runs it: in a fresh
// clone, in a real terminal, completing the sandbox's sign-in and consent in Chromium; then again;
// then Ctrl-C. And once without a terminal.
//
// The fresh clone holds the files a clone of this working tree would (tracked and new files, not
// ignored ones: no node_modules, dist, .quickstart or .app.jsonc). `npm ci` is the one step left
// out: a real install takes minutes, so the clone's node_modules links to this checkout's installed
// packages, and its workspace links point at the clone's own packages, as `npm ci` makes them.

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const CONNECTORS = ['github', 'googlecalendar', 'slack'];
const SANDBOX_ACCOUNT = 'me@example.com';

async function aFreshClone(): Promise<{ dir: string; clone: string }> {
  const dir = await aTempDir('base44-quickstart-');
  const clone = join(dir, 'repo');
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO,
    maxBuffer: 16 * 1024 * 1024,
  });
  for (const path of stdout.split('\0').filter(Boolean)) {
    if (!existsSync(join(REPO, path))) continue; // deleted in the working tree, not yet in git
    await mkdir(dirname(join(clone, path)), { recursive: true });
    await copyFile(join(REPO, path), join(clone, path));
  }
  await linkInstalledPackages(clone);
  return { dir, clone };
}

/** What `npm ci` would leave: every installed package (linked), the workspaces linked to the clone's. */
async function linkInstalledPackages(clone: string): Promise<void> {
  const installed = join(REPO, 'node_modules');
  const WORKSPACES = '@base44-connectors';
  await mkdir(join(clone, 'node_modules', WORKSPACES), { recursive: true });
  for (const entry of await readdir(installed)) {
    if (entry !== WORKSPACES) await symlink(join(installed, entry), join(clone, 'node_modules', entry));
  }
  for (const name of await readdir(join(installed, WORKSPACES)))
    await symlink(join(clone, 'packages', name), join(clone, 'node_modules', WORKSPACES, name));
  for (const name of await readdir(join(REPO, 'packages'))) {
    const nested = join(REPO, 'packages', name, 'node_modules');
    if (existsSync(nested)) await symlink(nested, join(clone, 'packages', name, 'node_modules'));
  }
}

/** A person's shell: a HOME of its own, `BROWSER` writing down what it is asked to open, no `CI`. */
function aPersonsEnvironment(dir: string, browser: FakeBrowser): Record<string, string> {
  return cliEnvironment({ HOME: join(dir, 'home'), BROWSER: browser.command, NO_COLOR: '1' });
}

/**
 * `npm run quickstart` in a real terminal. An interactive shell runs it as a foreground job (`set -m`),
 * so Ctrl-C reaches the job and not the shell around it, as in a person's terminal.
 */
async function quickstartInTerminal(dir: string, clone: string, env: Record<string, string>) {
  // Each terminal gets a tmux server (socket) of its own: a killed one may linger for a moment.
  const scratch = await mkdtemp(join(dir, 'terminal-'));
  const terminal = await Terminal.start({
    command: ['bash', '-c', 'set -m; npm run quickstart; code=$?; exit $code'],
    cwd: clone,
    env,
    dir: scratch,
  });
  onTestFinished(() => terminal.kill());
  return terminal;
}

/** The `  type: url` lines the CLI printed, by type. */
function authorizationLinks(screen: string): Map<string, string> {
  return new Map(
    [...screen.matchAll(/^ {2}(\w+): (https?:\/\/\S+\/oauth\/start\/\S+)$/gm)].map(([, type, url]) => [
      type!,
      url!,
    ]),
  );
}

/** The pid and URL of the server a running quickstart started, from the file it keeps while it runs. */
function runningServer(clone: string): { pid: number; url: string } {
  return JSON.parse(readFileSync(join(clone, '.quickstart', 'server.json'), 'utf8'));
}

/** Processes working in, or started from, the clone: none may outlive the quickstart. */
function processesOf(clone: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      // The terminal's own shell and its closing `sleep` work in the clone too, but are not node.
      const isNode = /(^|\/)(node|npm)$/.test(command.split(' ')[0]!);
      if (command.includes(clone) || (cwd.startsWith(clone) && isNode)) found.push(`${pid}: ${command}`);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

function portIsFree(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** The exports of `.quickstart/env`, as `. .quickstart/env` sets them. */
function quickstartEnv(clone: string): Record<string, string> {
  const text = readFileSync(join(clone, '.quickstart', 'env'), 'utf8');
  return Object.fromEntries(
    [...text.matchAll(/^export (\w+)='([^']*)'$/gm)].map(([, name, value]) => [name!, value!]),
  );
}

function runQuickstartWithoutTerminal(clone: string, env: Record<string, string>): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'quickstart'], { cwd: clone, env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`npm run quickstart still ran after 40 s:\n${stdout}${stderr}`));
    }, 40_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The person answers the question with Enter, then signs in and allows every opened link in Chromium. */
async function authorizeEveryLink(terminal: Terminal, opener: FakeBrowser, browser: Browser) {
  const question = await terminal.waitFor(/^\? Open browser to authorize now\? › Yes$/m, 40_000);
  const links = authorizationLinks(question);
  await terminal.press('Enter');
  await pollUntil(
    async () => (await opener.opened()).length >= links.size,
    10_000,
    () => 'the CLI to open every link in the browser',
  );
  const opened = await opener.opened();
  const scopesShown: Record<string, string[]> = {};
  for (const [type, url] of links) {
    const consent = await consentInSandbox(browser, url, {
      email: SANDBOX_ACCOUNT,
      decision: 'allow',
      screenshot: `quickstart-${type}`,
    });
    expect(consent.text).toContain(`${type} is connected`);
    scopesShown[type] = consent.scopesShown;
  }
  return { question, links, opened, scopesShown };
}

/** Ctrl-C in the terminal; answers once the quickstart has said it stopped and nothing of it is left. */
async function pressCtrlC(terminal: Terminal, clone: string): Promise<void> {
  const server = runningServer(clone);
  await terminal.press('C-c');
  expect((await terminal.waitForExit(15_000)).lines).toContain('Stopping the server… stopped.');
  expect(() => process.kill(server.pid, 0)).toThrow(/ESRCH/);
  expect(await portIsFree(server.url)).toBe(true);
  expect(existsSync(join(clone, '.quickstart', 'server.json'))).toBe(false);
  await pollUntil(
    async () => processesOf(clone).length === 0,
    5_000,
    () => `every process of the quickstart to end; running: ${processesOf(clone).join('\n')}`,
  );
}

/** `node examples/backend-token/index.mjs` in a shell that ran `. .quickstart/env`; answers its stdout. */
async function runBackendExample(clone: string, env: Record<string, string>): Promise<string> {
  const { stdout } = await run(process.execPath, ['examples/backend-token/index.mjs'], {
    cwd: clone,
    env: { ...env, ...quickstartEnv(clone) },
  });
  return stdout;
}

/** What the person reads off the first run's screen to open the dashboard: the app's page and the account. */
function dashboardSignIn(screen: string): { appUrl: string; appId: string; email: string; password: string } {
  const app = /^ {2}Dashboard: (http:\/\/\S+\/dashboard\/apps\/(\w+))$/m.exec(screen);
  const account = /^Dashboard: http:\/\/\S+ \(sign in as (\S+), password (\S+)\)$/m.exec(screen);
  if (!app || !account) throw new Error(`no dashboard URL or account on the screen:\n${screen}`);
  return { appUrl: app[1]!, appId: app[2]!, email: account[1]!, password: account[2]! };
}

/** The Who, What, Connector and Details cells of each row of the app page's Activity table, newest first. */
function activityRows(
  page: Page,
): Promise<{ who: string; what: string; connector: string; details: string }[]> {
  const rows = page.locator('h2:has-text("Activity") + p + div table tbody tr');
  return rows.evaluateAll((trs) =>
    trs.map((tr) => {
      const cell = (label: string) =>
        tr.querySelector(`td[data-label="${label}"]`)?.textContent?.trim() ?? '';
      return { who: cell('Who'), what: cell('What'), connector: cell('Connector'), details: cell('Details') };
    }),
  );
}

/**
 * The person opens the push summary's dashboard link in Chromium, signs in with the account the
 * quickstart printed and lands on the app's page; answers what the page shows.
 */
async function openDashboard(browser: Browser, screen: string) {
  const { appUrl, appId, email, password } = dashboardSignIn(screen);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  try {
    await page.goto(appUrl);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).searchParams.get('app')).toBe(appId);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Quickstart' }).waitFor();
    expect(page.url()).toBe(appUrl);
    const connectors: Record<string, { status: string; account: string }> = {};
    for (const row of await page.locator('tr[id^="connector-"]').all()) {
      const type = (await row.getAttribute('id'))!.slice('connector-'.length);
      connectors[type] = {
        status: (await row.locator('.status').textContent())!.trim(),
        account: (await row.locator('td[data-label="Account"]').textContent())!.trim(),
      };
    }
    const activity = await activityRows(page);
    await saveScreenshot(page, 'quickstart-dashboard');
    return { appId, email, connectors, activity };
  } catch (error) {
    await saveScreenshot(page, 'quickstart-dashboard-failed').catch(() => undefined);
    throw error;
  } finally {
    await context.close();
  }
}

const KEEPS_RUNNING = /^The server keeps running: press Ctrl-C to stop it\.$/m;

describe('npm run quickstart, in a fresh clone', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('in a terminal: asks, opens every link, completes in the sandbox, keeps the server until Ctrl-C; run again, all Synced', async () => {
    const { dir, clone } = await aFreshClone();
    const opener = await aFakeBrowser(dir);
    const env = aPersonsEnvironment(dir, opener);

    // First run: the question, Enter, and the person allows each opened link in Chromium.
    const first = await quickstartInTerminal(dir, clone, env);
    const { question, links, opened, scopesShown } = await authorizeEveryLink(first, opener, browser);
    expect(question).toMatch(/^✓ Built the packages \(npm run build\)$/m);
    expect(question).toMatch(
      /^✓ Account quickstart@example\.com, app "Quickstart" \(\w+\) and a workspace key for the CLI$/m,
    );
    expect(question).toMatch(/^Found 3 connectors to push: github, googlecalendar, slack$/m);
    expect([...links.keys()]).toEqual(CONNECTORS);
    expect(opened.sort()).toEqual([...links.values()].sort());
    expect(scopesShown).toEqual({
      github: ['read:user', 'repo'],
      googlecalendar: ['https://www.googleapis.com/auth/calendar.readonly'],
      slack: ['chat:write', 'channels:read'],
    });
    const summary = await first.waitFor(KEEPS_RUNNING, 20_000);
    for (const type of CONNECTORS)
      expect(summary).toMatch(new RegExp(`^✓ ${type} authorization complete$`, 'm'));
    expect(summary).toMatch(/^Summary:\n {2}Added: github, googlecalendar, slack$/m);
    expect(summary).toMatch(/^Dashboard: http:\/\/127\.0\.0\.1:\d+\/ \(sign in as quickstart@example\.com/m);
    // The push's own last line leads to the app's page; signed in as the printed account, it lists the
    // three connectors as active with the sandbox account, and the trail has the push and each consent.
    expect(summary).toMatch(
      /^ {2}Added: github, googlecalendar, slack\n {2}Dashboard: http:\/\/127\.0\.0\.1:\d+\/dashboard\/apps\/\w+$/m,
    );
    const dashboard = await openDashboard(browser, summary);
    expect(summary).toContain(`app "Quickstart" (${dashboard.appId})`);
    expect(dashboard.email).toBe('quickstart@example.com');
    expect(dashboard.connectors).toEqual(
      Object.fromEntries(
        CONNECTORS.map((type) => [
          type,
          { status: 'active', account: expect.stringContaining(SANDBOX_ACCOUNT) },
        ]),
      ),
    );
    expect(dashboard.activity).toContainEqual({
      who: dashboard.email,
      what: 'Pushed',
      connector: 'all',
      details: expect.stringMatching(/^added github, googlecalendar, slack \(revision \d+\)$/),
    });
    for (const type of CONNECTORS)
      expect(dashboard.activity).toContainEqual({
        who: dashboard.email,
        what: 'Connected',
        connector: type,
        details: expect.stringContaining(`account ${SANDBOX_ACCOUNT}; scopes `),
      });
    // While it runs, the backend example reads slack's token with @base44/sdk and the sandbox knows it.
    expect(await runBackendExample(clone, env)).toContain(
      `the account ${SANDBOX_ACCOUNT}, scopes chat:write channels:read`,
    );
    const appFile = readFileSync(join(clone, 'examples/quickstart/base44/.app.jsonc'), 'utf8');
    await pressCtrlC(first, clone);

    // Second run: the same account and app, everything authorized: Synced, no question, nothing opened.
    const second = await quickstartInTerminal(dir, clone, env);
    const again = await second.waitFor(KEEPS_RUNNING, 40_000);
    expect(again).toMatch(
      /^✓ Account quickstart@example\.com, app "Quickstart" \(\w+\) .*, from \.quickstart\/quickstart\.json$/m,
    );
    expect(again).toMatch(/^Summary:\n {2}Synced: github, googlecalendar, slack$/m);
    expect(again).not.toContain('Open browser');
    expect(readFileSync(join(clone, 'examples/quickstart/base44/.app.jsonc'), 'utf8')).toBe(appFile);
    expect(await opener.opened()).toHaveLength(CONNECTORS.length);
    // The tokens stored while the first run's server ran still work with the restarted one.
    expect(await runBackendExample(clone, env)).toContain(`the account ${SANDBOX_ACCOUNT}`);
    await pressCtrlC(second, clone);

    // The person's own ~/.base44 (the CLI's login) and ~/.base44-server were never touched.
    expect(existsSync(join(env.HOME!, '.base44'))).toBe(false);
    expect(existsSync(join(env.HOME!, '.base44-server'))).toBe(false);
  }, 120_000);

  it('without a terminal: prints the links, the non-interactive line and how to finish, then stops its server and exits', async () => {
    const { dir, clone } = await aFreshClone();
    const opener = await aFakeBrowser(dir);

    const result = await runQuickstartWithoutTerminal(clone, aPersonsEnvironment(dir, opener));

    expect(result.code).toBe(0);
    const links = authorizationLinks(result.stdout);
    expect([...links.keys()]).toEqual(CONNECTORS);
    expect(result.stdout).toContain(
      "Skipped OAuth in non-interactive mode. Run 'base44 connectors push' locally or open the links above to authorize.",
    );
    expect(result.stdout).toContain('To finish, run `npm run quickstart` in a terminal');
    expect(result.stdout).toContain('npm run quickstart -- --keep-running');
    expect(result.stdout).toContain('Stopping the server… stopped.');
    expect(await opener.opened()).toEqual([]);
    expect(await portIsFree(links.get('slack')!)).toBe(true);
    expect(existsSync(join(clone, '.quickstart', 'server.json'))).toBe(false);
    expect(processesOf(clone)).toEqual([]);
  }, 60_000);
});
