import type { User } from '../../src/accounts/users.js';
import { storeGrant } from '../../src/connectors/store.js';
import { loadKeyring } from '../../src/vault/keyring.js';
import { Vault } from '../../src/vault/vault.js';
import { anApp, aUser, PASSWORD } from '../support/accounts.js';
import { FormClient } from '../support/browserless.js';
import type { DatabaseKind } from '../support/databases.js';
import { createTestServer, type TestServer } from '../support/server.js';

/**
 * What the dashboard tests start from: a listening server with the sandbox (so revocation and code
 * exchange reach a provider over HTTP), an app of `owner` and `teammate`, and `outsider`, who is in
 * no app. Its methods are the builders the tests share.
 */
export class DashboardWorld {
  private constructor(
    readonly server: TestServer,
    readonly owner: User,
    readonly teammate: User,
    readonly outsider: User,
    readonly appId: string,
  ) {}

  static async create(kind: DatabaseKind): Promise<DashboardWorld> {
    const server = await createTestServer(kind, { listen: true, sandbox: true });
    const owner = await aUser(server.storage, 'owner@example.com');
    const teammate = await aUser(server.storage, 'teammate@example.com');
    const outsider = await aUser(server.storage, 'outsider@example.com');
    return new DashboardWorld(
      server,
      owner,
      teammate,
      outsider,
      await anApp(server.storage, owner, [teammate]),
    );
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** A browser without JavaScript, signed in to the dashboard. */
  async signedIn(email = 'owner@example.com'): Promise<FormClient> {
    const browser = new FormClient(this.server.app);
    await browser.get('/dashboard/sign-in');
    const response = await browser.post('/dashboard/sign-in', { email, password: PASSWORD, app: '' });
    if (response.statusCode !== 303) throw new Error(`sign-in: ${response.statusCode} ${response.body}`);
    return browser;
  }

  /** Makes a connector active as a completed authorization would, without a provider. */
  async activate(
    type: string,
    grant: { by?: User; account?: string; scopes?: string[]; expiresAt?: number; refresh?: boolean } = {},
  ): Promise<void> {
    const { server } = this;
    await storeGrant(
      server.storage.db,
      new Vault(loadKeyring(server.config.dataDir, undefined)),
      this.appId,
      type,
      {
        userId: (grant.by ?? this.owner).id,
        scopes: grant.scopes ?? ['read'],
        grantedScopes: grant.scopes ?? ['read'],
        accountEmail: grant.account ?? `${type}@accounts.example`,
        accessToken: `access-${type}`,
        refreshToken: grant.refresh === false ? null : `refresh-${type}`,
        expiresAt: grant.expiresAt ?? null,
        connectionConfig: {},
      },
      server.clock.now(),
    );
  }

  /** The app's connector API (`external-auth/…`) as a member's CLI calls it. */
  api(method: 'PUT' | 'POST' | 'DELETE', path: string, key: string, payload?: object) {
    return this.server.app.inject({
      method,
      url: `/api/apps/${this.appId}/external-auth/${path}`,
      headers: { api_key: key },
      ...(payload ? { payload } : {}),
    });
  }

  auditRows() {
    return this.server.storage.db
      .selectFrom('audit_events')
      .selectAll()
      .where('app_id', '=', this.appId)
      .orderBy('id')
      .execute();
  }

  /** The app's audit events, oldest first, as the tests compare them. */
  async auditTrail() {
    return (await this.auditRows()).map((row) => ({
      action: row.action,
      type: row.integration_type,
      actor: row.actor_user_id,
      detail: JSON.parse(row.detail),
    }));
  }
}

/** The row of one connector on the app page. */
export function rowOf(body: string, type: string): string {
  const match = new RegExp(`<tr id="connector-${type}">([\\s\\S]*?)</tr>`).exec(body);
  if (!match) throw new Error(`no row for ${type} in:\n${body}`);
  return match[1]!;
}

/**
 * Walks the sandbox provider's sign-in and consent pages with plain HTTP requests (a cookie jar,
 * redirects followed by hand) and delivers the callback; returns where it ended and the page.
 */
export async function consentOverHttp(
  startUrl: string,
  email: string,
): Promise<{ url: string; status: number; body: string }> {
  const jar = new Map<string, string>();
  const request = async (url: string, form?: Record<string, string>) => {
    const response = await fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...value] = pair!.split('=');
      jar.set(name!, value.join('='));
    }
    return response;
  };
  const follow = async (first: Response, from: string) => {
    let response = first;
    let url = from;
    while (response.status >= 300 && response.status < 400) {
      url = new URL(response.headers.get('location')!, url).href;
      response = await request(url);
    }
    return { response, url };
  };
  // A start link shows its confirmation page first; Continue posts its CSRF token. (The dashboard's
  // own authorize form goes straight to the provider.)
  let first = await request(startUrl);
  if (new URL(startUrl).pathname.startsWith('/oauth/start/')) {
    const csrfToken = /name="_csrf" value="([^"]+)"/.exec(await first.text())?.[1];
    if (first.status !== 200 || !csrfToken) throw new Error(`no start page at ${startUrl}: ${first.status}`);
    first = await request(startUrl, { _csrf: csrfToken });
  }
  const signIn = await follow(first, startUrl);
  const loginAction = /action="([^"]+\/login)"/.exec(await signIn.response.text())![1]!;
  const consent = await follow(await request(new URL(loginAction, signIn.url).href, { email }), signIn.url);
  const consentAction = /action="([^"]+\/consent)"/.exec(await consent.response.text())![1]!;
  const callback = await follow(
    await request(new URL(consentAction, consent.url).href, { decision: 'allow' }),
    consent.url,
  );
  return { url: callback.url, status: callback.response.status, body: await callback.response.text() };
}
