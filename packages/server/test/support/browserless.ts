import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/**
 * Drives the server's pages the way a browser without JavaScript would: keeps cookies, reads the
 * CSRF token out of each form, posts forms. (Real Chromium runs the same pages in the e2e tests.)
 */
export class FormClient {
  private readonly cookies = new Map<string, string>();
  lastCsrfToken = '';

  constructor(private readonly app: FastifyInstance) {}

  async get(url: string): Promise<LightMyRequestResponse> {
    return this.remember(await this.app.inject({ method: 'GET', url, headers: this.cookieHeader() }));
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
      }),
    );
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  private cookieHeader(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') };
  }

  private remember(response: LightMyRequestResponse): LightMyRequestResponse {
    for (const cookie of response.cookies as { name: string; value: string; maxAge?: number }[]) {
      if (cookie.value === '' || cookie.maxAge === 0) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
    if (token) this.lastCsrfToken = token;
    return response;
  }
}
