import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { saveScreenshot } from '../../../server/test/support/chromium.js';
import { WatchedProcess } from '../../../server/test/support/public-cli.js';
import { CLI_BIN, cliEnvironment } from '../support/cli.js';
import { type LoginServer, startLoginServer } from '../support/login-server.js';
import { base44, type CliSettings } from '../support/run.js';
import { launchChromium, SERVER_MODES } from '../support/server.js';
import { aTempDir } from '../support/temp.js';

// One Chromium for both servers: our own, and one answering as the Base44 cloud does.
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(SERVER_MODES)('base44 login, whoami and logout against base44-server (server: %s)', (mode) => {
  let server: LoginServer;

  beforeAll(async () => {
    server = await startLoginServer({ mode });
  });
  afterAll(() => server?.stop());

  it('logs in with the code approved in Chromium, stores the login 0600, and whoami/logout use it', async () => {
    const home = await aTempDir('base44-cli-home-');
    const cwd = await aTempDir();
    const settings: CliSettings = { home, apiUrl: server.url };
    const authFile = join(home, '.base44', 'auth', 'auth.json');

    const login = startCli(['login'], cwd, settings);
    onTestFinished(() => login.kill());
    const [, verificationUrl, userCode] = await login.waitFor(
      /^Open (\S+) and enter the code (\S+)$/m,
      15_000,
    );
    expect(verificationUrl).toBe(`${server.url}/device`);
    await login.waitFor(/Waiting for you to approve in the browser/, 5_000);

    expect(await approveInChromium(browser, verificationUrl!, userCode!, server)).toBe(userCode);
    expect(await login.waitForExit(20_000)).toBe(0);
    expect(login.output).toContain(`✓ Logged in as ${server.email} on ${server.url}`);

    expect((await stat(authFile)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(home, '.base44', 'auth'))).toEqual(['auth.json', 'servers']);
    expect(JSON.parse(await readFile(authFile, 'utf8'))).toMatchObject({
      email: server.email,
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresAt: expect.any(Number),
    });

    const whoami = await base44(settings, cwd, ['whoami']);
    expect(whoami).toMatchObject({ code: 0, stdout: `Logged in as ${server.email} on ${server.url}\n` });

    // The stored login is what connector commands send when there is no key.
    const available = await base44(settings, cwd, [
      'connectors',
      'list-available',
      '--json',
      '--app-id',
      server.appId,
    ]);
    expect(available.code).toBe(0);
    expect(JSON.parse(available.stdout)).toHaveProperty('integrations');

    // An access token the server no longer takes (as an expired one the clock did not foresee):
    // the CLI refreshes once with the stored refresh token and repeats the request.
    const stored = JSON.parse(await readFile(authFile, 'utf8'));
    await writeFile(authFile, JSON.stringify({ ...stored, accessToken: 'no-longer-valid' }), { mode: 0o600 });
    const renewed = await base44(settings, cwd, ['whoami']);
    expect(renewed).toMatchObject({ code: 0, stdout: `Logged in as ${server.email} on ${server.url}\n` });
    const after401 = JSON.parse(await readFile(authFile, 'utf8'));
    expect(after401.accessToken).not.toBe('no-longer-valid');
    expect(after401.refreshToken).not.toBe(stored.refreshToken);

    const beforeLogout = JSON.parse(await readFile(authFile, 'utf8'));
    const logout = await base44(settings, cwd, ['logout']);
    expect(logout).toMatchObject({ code: 0, stdout: `Logged out of ${server.url}.\n` });
    expect(existsSync(authFile)).toBe(false);
    // Logging out revoked the login at the server (RFC 7009): its tokens are refused from now on.
    const refresh = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: beforeLogout.refreshToken,
        client_id: 'base44_cli',
      }),
    });
    expect(refresh.status).toBe(400);
    const userinfo = await fetch(`${server.url}/oauth/userinfo`, {
      headers: { authorization: `Bearer ${beforeLogout.accessToken}` },
    });
    expect(userinfo.status).toBe(401);

    const after = await base44(settings, cwd, ['whoami']);
    expect(after.code).toBe(1);
    expect(after.stdout).toBe('');
    expect(after.stderr).toContain(`Not logged in to ${server.url}.`);
    expect(after.stderr).toContain("Run 'base44 login', or set BASE44_API_KEY");

    const again = await base44(settings, cwd, ['logout']);
    expect(again).toMatchObject({ code: 0, stdout: 'Not logged in: nothing to forget.\n' });
  }, 60_000);
});

/** `base44 ARGS` left running, its output watched as it arrives; no TTY, stdin at end of file. */
function startCli(args: string[], cwd: string, settings: CliSettings): WatchedProcess {
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    cwd,
    env: cliEnvironment({ HOME: settings.home, BASE44_API_URL: settings.apiUrl, NO_COLOR: '1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new WatchedProcess(child, `base44 ${args.join(' ')}`);
}

/**
 * Approves as a person would with only what the CLI printed: opens the URL, signs in, types the
 * code, and approves. Returns the code the confirmation page showed.
 */
async function approveInChromium(
  browser: Browser,
  verificationUrl: string,
  userCode: string,
  account: { email: string; password: string },
): Promise<string | null> {
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  try {
    await page.goto(verificationUrl);
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Code shown in your terminal').fill(userCode);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Approve the CLI login?' }).waitFor();
    const shownCode = await page.locator('.code').textContent();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('heading', { name: 'The CLI is logged in' }).waitFor();
    return shownCode;
  } catch (error) {
    await saveScreenshot(page, 'cli-login-failed').catch(() => undefined);
    throw error;
  } finally {
    await context.close();
  }
}
