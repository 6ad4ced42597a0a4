// Connects one connector of an app by going through the sandbox provider's pages over plain HTTP,
// like packages/sandbox/test/support/browser.ts: a cookie jar, redirects followed by hand, the
// sign-in form (`email`) and the consent form (`decision=allow`), then the server's callback.

class Browser {
  #cookies = new Map();

  async #send(url, init = {}) {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookie = [...this.#cookies.values()]
      .filter(
        ({ path }) =>
          target.pathname === path || target.pathname.startsWith(path.endsWith('/') ? path : `${path}/`),
      )
      .map(({ name, value }) => `${name}=${value}`)
      .join('; ');
    if (cookie) headers.set('Cookie', cookie);
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) this.#store(line, target.pathname);
    return response;
  }

  #store(line, requestPath) {
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
    if (expired) this.#cookies.delete(`${name};${path}`);
    else this.#cookies.set(`${name};${path}`, { name, value, path });
  }

  /** Sends the first request (GET `url`, or `first`) and follows redirects until a page answers. */
  async visit(url, first) {
    let response = first ? await first() : await this.#send(url);
    let current = url;
    for (let hops = 0; hops < 15; hops += 1) {
      const location = response.headers.get('location');
      if (location === null) return { url: current, status: response.status, body: await response.text() };
      await response.body?.cancel();
      current = new URL(location, current).href;
      response = await this.#send(current);
    }
    throw new Error(`too many redirects from ${url}`);
  }

  submit(page, form) {
    const action = /<form[^>]*\saction="([^"]+)"/.exec(page.body)?.[1];
    if (action === undefined)
      throw new Error(`no form on ${page.url} (${page.status}):\n${page.body.slice(0, 2000)}`);
    const target = new URL(action.replaceAll('&amp;', '&'), page.url).href;
    return this.visit(target, () =>
      this.#send(target, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      }),
    );
  }
}

/**
 * Asks the server to connect `type` for `appId` (with a workspace key) and approves it in the
 * sandbox. Resolves once the server's callback page answered 200.
 */
export async function connectWithSandbox({ serverUrl, appId, workspaceKey, type, scopes }) {
  const response = await fetch(`${serverUrl}/api/apps/${appId}/external-auth/integrations/${type}`, {
    method: 'PUT',
    headers: { api_key: workspaceKey, 'content-type': 'application/json' },
    body: JSON.stringify({ scopes }),
  });
  const answer = await response.json();
  if (!response.ok || !answer.redirect_url) {
    throw new Error(`PUT integrations/${type} answered ${response.status}: ${JSON.stringify(answer)}`);
  }
  const browser = new Browser();
  const signIn = await browser.visit(answer.redirect_url);
  const consent = await browser.submit(signIn, { email: 'bench@example.com' });
  const done = await browser.submit(consent, { decision: 'allow' });
  if (done.status !== 200 || !new URL(done.url).pathname.startsWith('/oauth/callback')) {
    throw new Error(
      `the authorization ended at ${done.url} with ${done.status}:\n${done.body.slice(0, 2000)}`,
    );
  }
  return answer.connection_id;
}
