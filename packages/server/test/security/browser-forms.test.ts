import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/accounts/users.js';
import { anApp, aUser, aWebSession, PASSWORD } from '../support/accounts.js';
import { FormClient } from '../support/browserless.js';
import { anActiveConnector } from '../support/connectors.js';
import { readTables } from '../support/database-dump.js';
import type { RegisteredRoute } from '../support/fastify-recorder.js';
import { requestDeviceCode } from '../support/login.js';
import { createTestServer, type TestServer } from '../support/server.js';

/** The routes a browser posts a form to: everything posted outside the JSON API, OAuth and the sandbox. */
const isForm = (route: RegisteredRoute) =>
  route.method === 'POST' && !/^\/(api|oauth|sandbox)(\/|$)/.test(route.url);

/** Every cookie a response sets, as `name → Set-Cookie header`. */
function cookiesSet(response: LightMyRequestResponse): Map<string, string> {
  const headers = [response.headers['set-cookie'] ?? []].flat();
  return new Map(headers.map((header) => [header.split('=')[0]!, header]));
}

// The browser side of the server: CSRF on every form, the flags of every cookie, and sessions that
// cannot be fixed in advance. The pages' logic does not depend on the database, so SQLite serves.
describe('the forms and cookies of the web pages', () => {
  let server: TestServer;
  let owner: User;
  let outsider: User;
  let appId: string;

  beforeAll(async () => {
    server = await createTestServer('sqlite', { sandbox: true });
    owner = await aUser(server.storage, 'owner@example.com');
    outsider = await aUser(server.storage, 'outsider@example.com');
    appId = await anApp(server.storage, owner);
  });
  afterAll(() => server.close());

  /** A browser signed in as `user` that has opened a page (so it holds a CSRF cookie and token). */
  async function signedIn(user: User): Promise<FormClient> {
    const browser = new FormClient(server.app);
    browser.setCookie('b44_session', await aWebSession(server.storage, user, server.clock.now()));
    await browser.get('/device');
    return browser;
  }

  /** Fields every form can take: each route reads the ones it needs. */
  async function formFields(): Promise<Record<string, string>> {
    await anActiveConnector(server, appId, 'slack', { userId: owner.id });
    const { user_code } = await requestDeviceCode(server.app);
    return { email: owner.email, password: 'not-the-password', user_code, decision: 'deny', app: appId };
  }

  const formUrl = (route: RegisteredRoute) => route.url.replace(':appId', appId).replace(':type', 'slack');

  it('refuses every form posted without its CSRF token, or with another browser’s, and changes nothing', async () => {
    const forms = server.recording.routes.filter(isForm);
    expect(forms.map((route) => route.url)).toEqual(
      expect.arrayContaining([
        '/device/sign-in',
        '/dashboard/sign-in',
        `/dashboard/apps/:appId/connectors/:type/remove`,
      ]),
    );
    const problems: string[] = [];
    for (const route of forms) {
      const fields = await formFields();
      const browser = await signedIn(owner);
      const attacker = await signedIn(outsider);
      const before = await readTables(server.database);
      const forged = [
        ['no token', await browser.post(formUrl(route), fields, { csrf: false })],
        [
          'another browser’s token',
          await browser.post(formUrl(route), { ...fields, _csrf: attacker.lastCsrfToken }, { csrf: false }),
        ],
      ] as const;
      for (const [how, response] of forged) {
        if (response.statusCode !== 403 || !response.body.includes('did not come from this site')) {
          problems.push(`POST ${route.url} with ${how}: ${response.statusCode}`);
        }
      }
      if (JSON.stringify([...(await readTables(server.database))]) !== JSON.stringify([...before])) {
        problems.push(`POST ${route.url}: a forged form changed the database`);
      }
      const genuine = await browser.post(formUrl(route), fields);
      if (genuine.statusCode === 403) problems.push(`POST ${route.url} refuses its own form too`);
    }
    expect(problems).toEqual([]);
  });

  it('answers a form with a missing or oversized field with 400 naming the field, never 500', async () => {
    const browser = await signedIn(owner);
    const noDecision = await browser.post('/device/decision', { user_code: 'BCDF-GHJK' });
    expect(noDecision.statusCode).toBe(400);
    expect(noDecision.body).toContain('decision:');
    for (const form of ['/device/sign-in', '/dashboard/sign-in']) {
      const longEmail = await browser.post(form, { email: `${'a'.repeat(300)}@example.com`, password: 'x' });
      expect(longEmail.statusCode, form).toBe(400);
      expect(longEmail.body, form).toContain('email:');
    }
  });

  describe.each([
    ['http://127.0.0.1:4044', false],
    ['https://connectors.example', true],
  ])('with the public URL %s', (publicUrl, secure) => {
    let site: TestServer;
    beforeAll(async () => {
      site = await createTestServer('sqlite', { publicUrl });
      await aUser(site.storage, 'owner@example.com');
    });
    afterAll(() => site.close());

    it(`marks every cookie HttpOnly, SameSite=Lax, Path=/${secure ? ' and Secure' : ', not Secure'}`, async () => {
      const set = new Map<string, string[]>();
      const collect = (response: LightMyRequestResponse) => {
        for (const [name, header] of cookiesSet(response)) set.set(name, [...(set.get(name) ?? []), header]);
      };
      const pages = site.recording.routes.filter(
        (route) => route.method === 'GET' && !/^\/(api|sandbox)(\/|$)/.test(route.url),
      );
      for (const form of ['/dashboard/sign-in', '/device/sign-in']) {
        const browser = new FormClient(site.app);
        for (const page of pages) collect(await browser.get(page.url.replace(/:\w+/g, 'x')));
        collect(
          await browser.post(form, {
            email: 'owner@example.com',
            password: PASSWORD,
            app: '',
            user_code: '',
          }),
        );
        for (const page of pages) collect(await browser.get(page.url.replace(/:\w+/g, 'x')));
        collect(await browser.post(form.replace('sign-in', 'sign-out'), {}));
      }
      expect([...set.keys()].sort()).toEqual(['b44_csrf', 'b44_session']);
      for (const [name, headers] of set) {
        for (const header of headers) {
          const attributes = header.split(/;\s*/).slice(1);
          expect(attributes, name).toEqual(expect.arrayContaining(['HttpOnly', 'Path=/']));
          expect(
            attributes.some((attribute) => /^SameSite=(Lax|Strict)$/i.test(attribute)),
            header,
          ).toBe(true);
          expect(attributes.includes('Secure'), header).toBe(secure);
        }
      }
    });
  });

  describe.each([
    ['the dashboard', '/dashboard/sign-in'],
    ['the device verification page', '/device/sign-in'],
  ])('signing in on %s', (_where, form) => {
    /** Signs `email` in from `browser` (any page hands it a CSRF token); the session cookie it ends with. */
    async function signIn(browser: FormClient, email: string): Promise<string> {
      await browser.get('/device');
      const response = await browser.post(form, { email, password: PASSWORD, app: '', user_code: '' });
      expect(response.statusCode).toBe(303);
      return browser.cookie('b44_session')!;
    }
    const isSignedIn = async (session: string) => {
      const probe = new FormClient(server.app);
      probe.setCookie('b44_session', session);
      return (await probe.get('/dashboard')).statusCode === 200;
    };

    it('issues a session id of its own: one planted in the browser before sign-in is worth nothing', async () => {
      const browser = new FormClient(server.app);
      browser.setCookie('b44_session', 'planted-by-someone-else-0123456789abcdefghijk');
      const session = await signIn(browser, 'owner@example.com');
      expect(session).not.toBe('planted-by-someone-else-0123456789abcdefghijk');
      expect(await isSignedIn(session)).toBe(true);
      expect(await isSignedIn('planted-by-someone-else-0123456789abcdefghijk')).toBe(false);
    });

    it("ends the attacker's own session planted in the victim's browser, instead of handing it the victim", async () => {
      const planted = await signIn(new FormClient(server.app), 'outsider@example.com');
      const victim = new FormClient(server.app);
      victim.setCookie('b44_session', planted);
      const session = await signIn(victim, 'owner@example.com');
      expect(session).not.toBe(planted);
      expect(await isSignedIn(planted)).toBe(false);
    });

    it('ends the session on the server at sign-out, so a copied cookie stops working', async () => {
      const browser = new FormClient(server.app);
      const session = await signIn(browser, 'owner@example.com');
      const out = await browser.post(form.replace('sign-in', 'sign-out'), {});
      expect(out.statusCode).toBe(303);
      expect(await isSignedIn(session)).toBe(false);
    });
  });
});
