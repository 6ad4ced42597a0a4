/**
 * Just enough of a browser for server-rendered pages: a cookie jar (name, path, expiry), manual redirects
 * and form posts. No JavaScript, like the pages themselves.
 */

interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

export interface Page {
  url: string;
  status: number;
  body: string;
  headers: Headers;
}

export class Browser {
  readonly #cookies = new Map<string, StoredCookie>();

  async get(url: string): Promise<Response> {
    return this.#send(url, { method: 'GET' });
  }

  async post(url: string, form: Readonly<Record<string, string>>): Promise<Response> {
    return this.#send(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** Sends the request and follows redirects until a page answers or a redirect leaves `stayWithin`. */
  async visit(url: string, stayWithin: string, first?: () => Promise<Response>): Promise<Page | Redirect> {
    let response = first ? await first() : await this.get(url);
    let current = url;
    for (let hops = 0; hops < 10; hops += 1) {
      const location = response.headers.get('location');
      if (location === null) {
        return {
          url: current,
          status: response.status,
          body: await response.text(),
          headers: response.headers,
        };
      }
      await response.body?.cancel();
      const next = new URL(location, current).href;
      if (!next.startsWith(stayWithin)) return { redirectedTo: next, status: response.status };
      current = next;
      response = await this.get(next);
    }
    throw new Error(`too many redirects from ${url}`);
  }

  async #send(url: string, init: RequestInit): Promise<Response> {
    const target = new URL(url);
    const cookie = this.#cookieHeader(target.pathname);
    const headers = new Headers(init.headers);
    if (cookie) headers.set('Cookie', cookie);
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) this.#store(line, target.pathname);
    return response;
  }

  #cookieHeader(pathname: string): string {
    return [...this.#cookies.values()]
      .filter(({ path }) => pathname === path || pathname.startsWith(path.endsWith('/') ? path : `${path}/`))
      .map(({ name, value }) => `${name}=${value}`)
      .join('; ');
  }

  #store(line: string, requestPath: string): void {
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    let path = requestPath.slice(0, requestPath.lastIndexOf('/')) || '/';
    let expired = value === '';
    for (const attribute of attributes) {
      const [key = '', attributeValue = ''] = attribute.split('=');
      if (key.toLowerCase() === 'path') path = attributeValue;
      if (key.toLowerCase() === 'expires' && Date.parse(attributeValue) <= Date.now()) expired = true;
      if (key.toLowerCase() === 'max-age' && Number(attributeValue) <= 0) expired = true;
    }
    const key = `${name};${path}`;
    if (expired) this.#cookies.delete(key);
    else this.#cookies.set(key, { name, value, path });
  }
}

export interface Redirect {
  redirectedTo: string;
  status: number;
}

export function isPage(result: Page | Redirect): result is Page {
  return 'body' in result;
}

/** The `action` of the page's only form. */
export function formAction(page: Page): string {
  const action = /<form[^>]*\saction="([^"]+)"/.exec(page.body)?.[1];
  if (action === undefined) throw new Error(`no form on ${page.url}:\n${page.body}`);
  return new URL(action.replaceAll('&amp;', '&'), page.url).href;
}
