import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { PASSWORD } from '../support/accounts.js';
import { launchChromium, saveScreenshot } from '../support/chromium.js';
import {
  createTestDatabase,
  type DatabaseKind,
  storageFlags,
  type TestDatabase,
} from '../support/databases.js';
import { publicCliEntry, startPublicCli } from '../support/public-cli.js';
import { freePort } from '../support/server.js';
import {
  runServerCommand,
  SERVER_BIN,
  type ServerProcess,
  startServerProcess,
} from '../support/server-process.js';

const EMAIL = 'alice@example.com';

// PostgreSQL is covered by the integration tests; to run this test on it too, add 'postgres' here.
const KINDS: DatabaseKind[] = ['sqlite'];

describe.each(KINDS)('the public base44 CLI against base44-server on %s', (kind) => {
  let database: TestDatabase;
  let server: ServerProcess;
  let apiUrl: string;
  let browser: Browser;
  let home: string;

  beforeAll(async () => {
    if (!existsSync(SERVER_BIN)) throw new Error(`${SERVER_BIN} is missing: run \`npm run build\` first`);
    await publicCliEntry();
    database = await createTestDatabase(kind);
    home = await mkdtemp(join(tmpdir(), 'base44-cli-home-'));
    browser = await launchChromium();
    const added = await runServerCommand(
      ['users', 'add', '--email', EMAIL, '--password-stdin', ...storageFlags(database)],
      {
        stdin: PASSWORD,
      },
    );
    expect(added.code).toBe(0);
    const port = String(await freePort());
    server = await startServerProcess(['--port', port, ...storageFlags(database)], {
      BASE44_SERVER_DEVICE_POLL_INTERVAL: '1',
    });
    apiUrl = server.url;
  });

  afterAll(async () => {
    await server?.stop();
    await browser?.close();
    await database?.dispose();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('logs in with the code approved in Chromium on our verification page, and whoami then names the user', async () => {
    const login = await startPublicCli(['login'], { home, apiUrl });
    onTestFinished(() => login.kill());
    const [, userCode] = await login.waitFor(/Verification code: ([A-Z]{4}-[A-Z]{4})/, 20_000);
    const [, verificationUrl] = await login.waitFor(/Please confirm this code at: (\S+)/, 5_000);
    expect(verificationUrl).toBe(`${apiUrl}/device`);

    const shownCode = await approveInChromium(
      browser,
      verificationUrl!,
      userCode!,
      `public-cli-login-${kind}`,
    );
    expect(shownCode).toBe(userCode);

    expect(await login.waitForExit(30_000)).toBe(0);
    expect(login.output).toContain(`Successfully logged in as ${EMAIL}`);
    const auth = JSON.parse(await readFile(join(home, '.base44', 'auth', 'auth.json'), 'utf8'));
    expect(auth).toMatchObject({ email: EMAIL });
    // whoami reads only auth.json; the stored token must also work against the server.
    const userinfo = await fetch(`${apiUrl}/oauth/userinfo`, {
      headers: { authorization: `Bearer ${auth.accessToken}` },
    });
    expect(await userinfo.json()).toEqual({ email: EMAIL, name: 'alice' });

    const whoami = await startPublicCli(['whoami'], { home, apiUrl });
    onTestFinished(() => whoami.kill());
    expect(await whoami.waitForExit(20_000)).toBe(0);
    expect(whoami.output).toContain(`Logged in as: ${EMAIL}`);
  }, 90_000);
});

/**
 * Approves the login as a person would: opens the verification URL the CLI printed, signs in, types
 * the code, continues, and approves. Returns the code the confirmation page showed.
 */
async function approveInChromium(
  browser: Browser,
  verificationUrl: string,
  userCode: string,
  screenshotName: string,
): Promise<string | null> {
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  try {
    await page.goto(verificationUrl);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByLabel('Code shown in your terminal').fill(userCode);
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.getByRole('heading', { name: 'Approve the CLI login?' }).waitFor();
    const shownCode = await page.locator('.code').textContent();
    await saveScreenshot(page, `${screenshotName}-confirm`);
    await page.getByRole('button', { name: 'Approve' }).click();

    await page.getByRole('heading', { name: 'The CLI is logged in' }).waitFor();
    await saveScreenshot(page, `${screenshotName}-done`);
    return shownCode;
  } catch (error) {
    await saveScreenshot(page, `${screenshotName}-failed`).catch(() => undefined);
    throw error;
  } finally {
    await context.close();
  }
}
