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
 * A person without Chromium: opens an authorization link of the server, presses Continue on its
 * confirmation page, signs in on a sandbox
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
 * The first half of a consent: the link opened, its Continue pressed, and the person signed in at
 * the provider, up to the consent page. `decide` finishes it, later, for instance after the server
 * restarted.
 */
export async function openConsentPage(authorizationUrl: string, email: string): Promise<OpenConsentPage> {
  const browser = new Browser();
  return signInAtProvider(browser, await continueStartLink(browser, authorizationUrl), email);
}

/**
 * The server's start link as a person meets it: the confirmation page (which app, connector,
 * scopes and member), then its Continue form posted with the page's CSRF token. Answers the
 * provider's authorization URL the Continue sent the browser to; `onPage` sees the confirmation page.
 */
export async function continueStartLink(
  browser: Browser,
  startUrl: string,
  onPage?: (page: Page) => void,
): Promise<string> {
  const start = await browser.get(startUrl);
  const body = await start.text();
  const csrfToken = /name="_csrf" value="([^"]+)"/.exec(body)?.[1];
  if (start.status !== 200 || !csrfToken)
    throw new Error(`${startUrl} answered ${start.status}, not the start page:\n${body}`);
  onPage?.({ url: startUrl, status: start.status, body, headers: start.headers });
  const continued = await browser.post(startUrl, { _csrf: csrfToken });
  const toProvider = continued.headers.get('location');
  if (continued.status !== 303 || !toProvider) {
    throw new Error(`Continue on ${startUrl} answered ${continued.status}:\n${await continued.text()}`);
  }
  await continued.body?.cancel();
  return new URL(toProvider, startUrl).href;
}

/** From the provider's authorization URL: sign in there as `email`, up to its consent page. */
export async function signInAtProvider(
  browser: Browser,
  providerUrl: string,
  email: string,
): Promise<OpenConsentPage> {
  // The provider's pages live under its mount (`/sandbox`, `/acme`); the callback does not.
  const { origin, pathname } = new URL(providerUrl);
  const within = `${origin}/${pathname.split('/')[1]}`;
  const signIn = page(await browser.visit(providerUrl, within), 'the sign-in page');
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
