// A person's browser on the sandbox consent pages, over plain HTTP: a cookie jar, redirects followed
// by hand, the server's start page (Continue: its `_csrf`), the sign-in form (`email`) and the
// consent form (`decision=allow`). It stops at the
// server's `/oauth/callback`, timing that request: `performance.now()` right before it is sent, when
// its response's headers arrive and when its body has been read.
// Shared by every benchmark that needs a consent; authorization-feedback reads its timings.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

/** Cookies by name and path, as a browser keeps them for one host. */
class CookieJar {
  #cookies = new Map();

  store(setCookie, requestPath) {
    for (const header of setCookie ?? []) {
      const [pair, ...attributes] = header.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      let path = requestPath.replace(/\/[^/]*$/, '') || '/';
      let expired = false;
      for (const attribute of attributes) {
        const [key, val = ''] = attribute.trim().split('=');
        const lower = key.toLowerCase();
        if (lower === 'path') path = val || '/';
        if (lower === 'max-age' && Number(val) <= 0) expired = true;
        if (lower === 'expires' && Date.parse(val) <= Date.now()) expired = true;
      }
      const key = `${name}\u0000${path}`;
      if (expired) this.#cookies.delete(key);
      else this.#cookies.set(key, { name, value, path });
    }
  }

  header(requestPath) {
    const matching = [...this.#cookies.values()]
      .filter(
        (c) =>
          requestPath === c.path ||
          (requestPath.startsWith(c.path) && (c.path.endsWith('/') || requestPath[c.path.length] === '/')),
      )
      .sort((a, b) => b.path.length - a.path.length);
    return matching.map((c) => `${c.name}=${c.value}`).join('; ');
  }
}

export class Browser {
  #jar = new CookieJar();
  #agent = new http.Agent({ keepAlive: true });

  /** One request; resolves with status, headers, body and the three times (ms, performance.now()). */
  request(url, { method = 'GET', form } = {}) {
    const target = new URL(url);
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const headers = { accept: 'text/html', 'user-agent': 'feedback-bench' };
    const cookie = this.#jar.header(target.pathname);
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(body);
      headers.origin = target.origin;
    }
    return new Promise((resolve, reject) => {
      const sent = performance.now();
      const req = http.request(target, { method, headers, agent: this.#agent }, (res) => {
        const headersAt = performance.now();
        this.#jar.store(res.headers['set-cookie'], target.pathname);
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            url: target.href,
            status: res.statusCode,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            sent,
            headersAt,
            doneAt: performance.now(),
          }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /**
   * Follows redirects from `first` (a response) until a page (not a redirect) or the server's
   * `/oauth/callback`: that one is sent and returned as `callback`, not followed further.
   */
  async follow(first, callbackPath = '/oauth/callback') {
    let response = first;
    for (let hops = 0; hops < 20; hops++) {
      if (response.status < 300 || response.status >= 400) return { page: response };
      const next = new URL(response.headers.location, response.url);
      if (next.pathname === callbackPath) return { callback: await this.request(next.href) };
      response = await this.request(next.href);
    }
    throw new Error(`too many redirects from ${first.url}`);
  }

  close() {
    this.#agent.destroy();
  }
}

function formAction(page) {
  const match = /<form[^>]*\baction="([^"]+)"/.exec(page.body);
  if (!match) throw new Error(`no form on ${page.url} (${page.status}): ${page.body.slice(0, 300)}`);
  return new URL(match[1].replaceAll('&amp;', '&'), page.url).href;
}

/**
 * Opens `authorizationUrl` in a fresh browser, signs in as `email`, allows, and sends the callback.
 * Resolves with the callback's response (and its times).
 */
export async function consent(authorizationUrl, email) {
  const browser = new Browser();
  try {
    let step = await browser.follow(await browser.request(authorizationUrl));
    for (let pages = 0; pages < 5 && !step.callback; pages++) {
      const { page } = step;
      if (page.status !== 200)
        throw new Error(`${page.url} answered ${page.status}: ${page.body.slice(0, 300)}`);
      const action = formAction(page);
      // The server's start page (Continue, with its CSRF token), the provider's sign-in, its consent.
      const csrfToken = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
      const form = /name="decision"/.test(page.body)
        ? { decision: 'allow' }
        : csrfToken
          ? { _csrf: csrfToken }
          : { email };
      step = await browser.follow(await browser.request(action, { method: 'POST', form }));
    }
    if (!step.callback) throw new Error('the consent flow did not reach /oauth/callback');
    return step.callback;
  } finally {
    browser.close();
  }
}
