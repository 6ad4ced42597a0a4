import { Browser, formAction, isPage, type Page } from '../../../sandbox/test/support/browser.js';

export interface HttpConsentOptions {
  /** The account the person "connects" on the sandbox's sign-in page. */
  email: string;
  decision: 'allow' | 'deny';
  /** Stop before the server's callback and answer its URL only. */
  interceptCallback?: boolean;
}

export interface HttpConsentResult {
  /** The callback URL the provider sent the browser to. */
  callbackUrl: string;
  /** The server's callback page (none when intercepted). */
  status: number | null;
  text: string;
}

/** The person at the provider's consent page, signed in, not yet decided. */
export interface OpenConsentPage {
  decide(decision: 'allow' | 'deny', options?: { interceptCallback?: boolean }): Promise<HttpConsentResult>;
}

/**
 * A person without Chromium: opens an authorization link of the server, signs in on a sandbox
 * provider's pages (the built-in one or an external one) and allows or denies, with the sandbox's
 * own test browser (cookies, redirects, forms). Much faster than `consentInSandbox`, for tests
 * that need many consents or consents while the server is being disturbed.
 */
export async function consentOverHttp(
  authorizationUrl: string,
  options: HttpConsentOptions,
): Promise<HttpConsentResult> {
  const page = await openConsentPage(authorizationUrl, options.email);
  return page.decide(options.decision, options);
}

/**
 * The first half of a consent: the link opened and the person signed in at the provider, up to
 * the consent page. `decide` finishes it, later, for instance after the server restarted.
 */
export async function openConsentPage(authorizationUrl: string, email: string): Promise<OpenConsentPage> {
  const browser = new Browser();
  const start = await browser.get(authorizationUrl);
  const toProvider = start.headers.get('location');
  if (!toProvider) {
    throw new Error(`${authorizationUrl} answered ${start.status}, not a redirect:\n${await start.text()}`);
  }
  await start.body?.cancel();
  const providerUrl = new URL(toProvider, authorizationUrl);
  // The provider's pages live under its mount (`/sandbox`, `/acme`); the callback does not.
  const within = `${providerUrl.origin}/${providerUrl.pathname.split('/')[1]}`;
  const signIn = page(await browser.visit(providerUrl.href, within), 'the sign-in page');
  const consent = page(await submit(browser, signIn, within, { email }), 'the consent page');
  return {
    async decide(decision, options = {}) {
      const done = await submit(browser, consent, within, { decision });
      if (isPage(done)) throw new Error(`the provider did not send the browser back:\n${done.body}`);
      const callbackUrl = done.redirectedTo;
      if (options.interceptCallback) return { callbackUrl, status: null, text: '' };
      const callback = await browser.get(callbackUrl);
      return { callbackUrl, status: callback.status, text: await callback.text() };
    },
  };
}

function submit(browser: Browser, on: Page, within: string, form: Record<string, string>) {
  const action = formAction(on);
  return browser.visit(action, within, () => browser.post(action, form));
}

function page(result: Awaited<ReturnType<Browser['visit']>>, what: string): Page {
  if (!isPage(result)) throw new Error(`expected ${what}, got a redirect to ${result.redirectedTo}`);
  return result;
}
