import type { Browser, Page } from 'playwright-core';
import { saveScreenshot } from './chromium.js';
import { registerLogSecret, registerSecret } from './secret-scan.js';

export interface ConsentOptions {
  /** The account the person "connects" on the sandbox's sign-in page. */
  email: string;
  decision: 'allow' | 'deny';
  /** Stop the browser before it reaches the server's callback and return that URL instead. */
  interceptCallback?: boolean;
  screenshot?: string;
}

export interface ConsentResult {
  /** The page the browser ended on: the server's callback page, unless intercepted. */
  text: string;
  status: number | null;
  /** The callback URL the provider sent the browser to. */
  callbackUrl: string;
  scopesShown: string[];
  /** The text of the server's confirmation page of the start link, before anything went to the provider. */
  startPage: string;
}

/**
 * Walks a person through an authorization link: the server's confirmation page (Continue), then
 * the sandbox provider: sign in, allow or deny.
 */
export async function consentInSandbox(
  browser: Browser,
  authorizationUrl: string,
  options: ConsentOptions,
): Promise<ConsentResult> {
  registerLogSecret('an authorization link id', /\/oauth\/start\/([^/?#]+)/.exec(authorizationUrl)?.[1]);
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  try {
    await page.goto(authorizationUrl);
    const startPage = (await page.textContent('body')) ?? '';
    if (options.screenshot) await saveScreenshot(page, `${options.screenshot}-start`);
    await page.getByRole('button', { name: /^Continue to / }).click();
    await page.getByLabel(/email/i).fill(options.email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Allow' }).waitFor();
    const scopesShown = await scopesOnConsentPage(page);
    if (options.screenshot) await saveScreenshot(page, `${options.screenshot}-consent`);
    if (options.interceptCallback) {
      const callbackUrl = await submitWithoutReachingCallback(page, options.decision);
      registerCallbackSecrets(callbackUrl);
      return { text: '', status: null, callbackUrl, scopesShown, startPage };
    }
    const callback = page.waitForResponse((response) => response.url().includes('/oauth/callback?'));
    await page.getByRole('button', { name: options.decision === 'allow' ? 'Allow' : 'Deny' }).click();
    const response = await callback;
    registerCallbackSecrets(response.url());
    await page.waitForLoadState();
    if (options.screenshot) await saveScreenshot(page, `${options.screenshot}-callback`);
    return {
      text: (await page.textContent('body')) ?? '',
      status: response.status(),
      callbackUrl: response.url(),
      scopesShown,
      startPage,
    };
  } catch (error) {
    await saveScreenshot(page, `${options.screenshot ?? 'sandbox-consent'}-failed`).catch(() => undefined);
    throw error;
  } finally {
    await context.close();
  }
}

/**
 * Submits the consent form as the button would, with the browser's own cookies, and follows the
 * provider's redirects by hand up to the one that leads to the server's callback: the URL a
 * test can then deliver itself, altered or late. (Browsers follow redirects out of reach of
 * Playwright's request routing, so the page itself cannot be stopped there.)
 */
async function submitWithoutReachingCallback(page: Page, decision: 'allow' | 'deny'): Promise<string> {
  const action = await page.locator('form:has(button[name=decision])').getAttribute('action');
  let url = new URL(action!, page.url()).href;
  let response = await page.context().request.post(url, { form: { decision }, maxRedirects: 0 });
  for (let hop = 0; hop < 10; hop++) {
    const location = response.headers().location;
    if (!location)
      throw new Error(`the provider answered ${response.status()} without sending the browser on`);
    url = new URL(location, url).href;
    if (url.includes('/oauth/callback?')) return url;
    response = await page.context().request.get(url, { maxRedirects: 0 });
  }
  throw new Error('the provider never sent the browser to the callback');
}

/** The authorization code and the state a callback URL carries. */
export function registerCallbackSecrets(callbackUrl: string): void {
  const query = new URL(callbackUrl).searchParams;
  registerSecret('an authorization code', query.get('code'));
  registerSecret('an OAuth state', query.get('state'));
}

async function scopesOnConsentPage(page: Page): Promise<string[]> {
  const items = await page.locator('li').allTextContents();
  return items.map((item) => item.trim()).filter(Boolean);
}
