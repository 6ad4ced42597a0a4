import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { registerSecret } from './secret-scan.js';

/**
 * Drives the server's pages the way a browser without JavaScript would: keeps cookies, reads the
 * CSRF token out of each form, posts forms. (Real Chromium runs the same pages in the e2e tests.)
 */
export class FormClient {
  private readonly cookies = new Map<string, string>();
  lastCsrfToken = '';

  /** `remoteAddress` is the client address the server sees (rate limits count per address). */
  constructor(
    private readonly app: FastifyInstance,
    private readonly remoteAddress = '127.0.0.1',
  ) {}

  async get(url: string): Promise<LightMyRequestResponse> {
    return this.remember(
      await this.app.inject({
        method: 'GET',
        url,
        headers: this.cookieHeader(),
        remoteAddress: this.remoteAddress,
      }),
    );
  }

  async post(url: string, fields: Record<string, string>, options: { csrf?: boolean } = {}) {
    const form = new URLSearchParams(fields);
    if (options.csrf !== false) form.set('_csrf', this.lastCsrfToken);
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        headers: { ...this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: form.toString(),
        remoteAddress: this.remoteAddress,
      }),
    );
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** Puts a cookie in the jar, as another site or a person with the browser at hand could. */
  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  private cookieHeader(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') };
  }

  private remember(response: LightMyRequestResponse): LightMyRequestResponse {
    for (const cookie of response.cookies as { name: string; value: string; maxAge?: number }[]) {
      if (cookie.value === '' || cookie.maxAge === 0) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
      if (cookie.name === 'b44_session') registerSecret('a browser session', cookie.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
    if (token) this.lastCsrfToken = token;
    return response;
  }
}
