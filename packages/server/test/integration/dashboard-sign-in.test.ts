import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateServerSecrets } from '../../src/auth/server-secrets.js';
import { loadConfig } from '../../src/config.js';
import { buildServer } from '../../src/server.js';
import { openStorage } from '../../src/storage/database.js';
import { aUser, PASSWORD } from '../support/accounts.js';
import { FormClient } from '../support/browserless.js';
import { createTestDatabase, DATABASE_KINDS } from '../support/databases.js';
import { DashboardWorld } from './dashboard-fixtures.js';

// Signing in to the dashboard with the accounts of `base44 login`: the session cookie, rate
// limiting, redirects that only ever go to the dashboard's own pages, signing out.
describe.each(DATABASE_KINDS)('signing in to the dashboard on %s', (kind) => {
  let world: DashboardWorld;
  beforeEach(async () => {
    world = await DashboardWorld.create(kind);
  });
  afterEach(() => world.close());

  it('sends / to the dashboard, and every page to the sign-in page when nobody is signed in', async () => {
    const browser = new FormClient(world.server.app);
    expect((await browser.get('/')).headers.location).toBe('/dashboard');
    expect((await browser.get('/dashboard')).headers.location).toBe('/dashboard/sign-in');
    const appPage = await browser.get(`/dashboard/apps/${world.appId}`);
    expect(appPage.statusCode).toBe(303);
    expect(appPage.headers.location).toBe(`/dashboard/sign-in?app=${world.appId}`);
    const removePage = await browser.get(`/dashboard/apps/${world.appId}/connectors/slack/remove`);
    expect(removePage.headers.location).toBe(`/dashboard/sign-in?app=${world.appId}`);

    const signIn = await browser.get(appPage.headers.location as string);
    expect(signIn.statusCode).toBe(200);
    expect(signIn.body).toContain('action="/dashboard/sign-in"');
    expect(signIn.body).toContain(`name="app" value="${world.appId}"`);
    expect(signIn.body).toMatch(/name="_csrf" value="[^"]+"/);
  });

  it('signs in with the account password under a new session id, and goes on to the app it came for', async () => {
    const browser = new FormClient(world.server.app);
    await browser.get(`/dashboard/sign-in?app=${world.appId}`);
    const planted = await world.server.app.inject({
      method: 'POST',
      url: '/dashboard/sign-in',
      headers: {
        cookie: `b44_session=planted-by-someone-else; b44_csrf=${browser.cookie('b44_csrf')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: new URLSearchParams({
        email: 'owner@example.com',
        password: PASSWORD,
        app: world.appId,
        _csrf: browser.lastCsrfToken,
      }).toString(),
    });
    expect(planted.statusCode).toBe(303);
    expect(planted.headers.location).toBe(`/dashboard/apps/${world.appId}`);
    const session = (planted.cookies as { name: string; value: string }[]).find(
      (c) => c.name === 'b44_session',
    );
    expect(session?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const header = [planted.headers['set-cookie']].flat().find((c) => c?.startsWith('b44_session='));
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Lax/);
    expect(header).not.toMatch(/Secure/); // http://; isHttps() turns it on for an https public URL
  });

  it('refuses a wrong password without a session, and never redirects to a target that is not an app id', async () => {
    const browser = new FormClient(world.server.app);
    await browser.get('/dashboard/sign-in');
    const wrong = await browser.post('/dashboard/sign-in', {
      email: 'owner@example.com',
      password: 'wrong',
      app: '',
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('Wrong email or password.');
    expect(browser.cookie('b44_session')).toBeUndefined();

    const offsite = await browser.post('/dashboard/sign-in', {
      email: 'owner@example.com',
      password: PASSWORD,
      app: '//evil.example/x',
    });
    expect(offsite.headers.location).toBe('/dashboard');
    const page = await new FormClient(world.server.app).get('/dashboard/sign-in?app=https://evil.example');
    expect(page.body).toContain('name="app" value=""');
  });

  it('slows down password guessing: the eleventh sign-in within a minute answers 429', async () => {
    const browser = new FormClient(world.server.app);
    await browser.get('/dashboard/sign-in');
    const tries = [];
    for (let attempt = 0; attempt < 11; attempt++) {
      tries.push(
        (
          await browser.post('/dashboard/sign-in', {
            email: 'owner@example.com',
            password: 'guess',
            app: '',
          })
        ).statusCode,
      );
    }
    expect(tries).toEqual([...Array(10).fill(401), 429]);
  });

  it('marks the session and CSRF cookies Secure when the public URL is https', async () => {
    const database = await createTestDatabase(kind);
    const config = loadConfig({ ...database, port: 4044, publicUrl: 'https://connectors.example' }, {});
    const storage = await openStorage(config);
    const app = await buildServer({
      config,
      storage,
      secrets: await loadOrCreateServerSecrets(config.dataDir),
      log: false,
    });
    try {
      await aUser(storage, 'owner@example.com');
      const browser = new FormClient(app);
      const page = await browser.get('/dashboard/sign-in');
      const signIn = await browser.post('/dashboard/sign-in', {
        email: 'owner@example.com',
        password: PASSWORD,
        app: '',
      });
      const cookies = [page.headers['set-cookie'], signIn.headers['set-cookie']].flat();
      for (const name of ['b44_csrf', 'b44_session']) {
        const cookie = cookies.find((header) => header?.startsWith(`${name}=`));
        expect(cookie, name).toMatch(/; Secure/);
        expect(cookie, name).toMatch(/; HttpOnly/);
        expect(cookie, name).toMatch(/; SameSite=Lax/);
      }
    } finally {
      await app.close();
      await storage.close();
      await database.dispose();
    }
  });

  it('signs out: the session ends and the pages ask for sign-in again', async () => {
    const browser = await world.signedIn();
    await browser.get('/dashboard');
    const out = await browser.post('/dashboard/sign-out', {});
    expect(out.statusCode).toBe(303);
    expect((await browser.get('/dashboard')).headers.location).toBe('/dashboard/sign-in');
    expect(await world.server.storage.db.selectFrom('web_sessions').selectAll().execute()).toEqual([]);
  });
});
