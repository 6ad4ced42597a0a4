import type { Browser } from 'playwright-core';
import { saveScreenshot } from './chromium.js';

/**
 * Approves a device login in Chromium as a person would: opens `verification_uri_complete` (which
 * carries the code), signs in with email and password, and approves on the confirmation page.
 */
export async function approveDeviceLogin(
  browser: Browser,
  verificationUriComplete: string,
  account: { email: string; password: string },
  screenshot = 'device-approval',
): Promise<void> {
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  try {
    await page.goto(verificationUriComplete);
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Approve the CLI login?' }).waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('heading', { name: 'The CLI is logged in' }).waitFor();
  } catch (error) {
    await saveScreenshot(page, `${screenshot}-failed`).catch(() => undefined);
    throw error;
  } finally {
    await context.close();
  }
}
