import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aUser, PASSWORD } from '../support/accounts.js';
import { FormClient } from '../support/browserless.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { pollToken, requestDeviceCode } from '../support/login.js';
import { createTestServer, type TestServer } from '../support/server.js';

describe.each(DATABASE_KINDS)('the verification page on %s', (kind) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await createTestServer(kind);
    await aUser(server.storage, 'alice@example.com');
  });
  afterEach(() => server.close());

  async function signedIn(): Promise<FormClient> {
    const browser = new FormClient(server.app);
    await browser.get('/device');
    const response = await browser.post('/device/sign-in', {
      email: 'alice@example.com',
      password: PASSWORD,
      user_code: '',
    });
    expect(response.statusCode).toBe(303);
    return browser;
  }

  it('asks for email and password before anything else, with the typed code carried along', async () => {
    const page = await new FormClient(server.app).get('/device?user_code=BCDF-GHJK');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('action="/device/sign-in"');
    expect(page.body).toContain('name="user_code" value="BCDF-GHJK"');
  });

  it('refuses a wrong password without starting a session', async () => {
    const browser = new FormClient(server.app);
    await browser.get('/device');
    const response = await browser.post('/device/sign-in', {
      email: 'alice@example.com',
      password: 'wrong',
      user_code: '',
    });
    expect(response.statusCode).toBe(401);
    expect(response.body).toContain('Wrong email or password.');
    expect(browser.cookie('b44_session')).toBeUndefined();
  });

  it('gives the same answer for an unknown email as for a wrong password', async () => {
    const browser = new FormClient(server.app);
    await browser.get('/device');
    const response = await browser.post('/device/sign-in', {
      email: 'nobody@example.com',
      password: PASSWORD,
      user_code: '',
    });
    expect(response.statusCode).toBe(401);
    expect(response.body).toContain('Wrong email or password.');
  });

  it('refuses a form posted without the CSRF token, or with another browser’s token', async () => {
    const browser = new FormClient(server.app);
    await browser.get('/device');
    const withoutToken = await browser.post(
      '/device/sign-in',
      { email: 'alice@example.com', password: PASSWORD, user_code: '' },
      { csrf: false },
    );
    expect(withoutToken.statusCode).toBe(403);
    expect(withoutToken.body).toContain('The form expired or did not come from this site');

    const attacker = new FormClient(server.app);
    await attacker.get('/device');
    browser.lastCsrfToken = attacker.lastCsrfToken;
    const foreignToken = await browser.post('/device/sign-in', {
      email: 'alice@example.com',
      password: PASSWORD,
      user_code: '',
    });
    expect(foreignToken.statusCode).toBe(403);
  });

  it('issues a new session id at sign-in, so a planted one is worthless', async () => {
    const browser = await signedIn();
    const first = browser.cookie('b44_session');
    await browser.get('/device');
    await browser.post('/device/sign-in', { email: 'alice@example.com', password: PASSWORD, user_code: '' });
    expect(browser.cookie('b44_session')).toBeDefined();
    expect(browser.cookie('b44_session')).not.toBe(first);
  });

  it('sets the session cookie HttpOnly and SameSite=Lax', async () => {
    const browser = new FormClient(server.app);
    await browser.get('/device');
    const response = await browser.post('/device/sign-in', {
      email: 'alice@example.com',
      password: PASSWORD,
      user_code: '',
    });
    const cookie = String(response.headers['set-cookie'])
      .split(/,(?=\s*\w+=)/)
      .find((c) => c.includes('b44_session='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('escapes whatever it echoes back', async () => {
    const browser = await signedIn();
    const page = await browser.get(`/device?user_code=${encodeURIComponent('"><script>alert(1)</script>')}`);
    expect(page.statusCode).toBe(400);
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('accepts a code typed in lower case without the dash', async () => {
    const code = await requestDeviceCode(server.app);
    const browser = await signedIn();
    const page = await browser.get(`/device?user_code=${code.user_code.replace('-', '').toLowerCase()}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(code.user_code);
    expect(page.body).toContain('Approve the CLI login?');
  });

  it('redirects after sign-in only to the verification page, whatever the form says', async () => {
    const browser = new FormClient(server.app);
    await browser.get('/device');
    const response = await browser.post('/device/sign-in', {
      email: 'alice@example.com',
      password: PASSWORD,
      user_code: 'https://evil.example/',
    });
    expect(response.headers.location).toBe('/device');
  });

  it('signs out, after which approving needs a new sign-in', async () => {
    const code = await requestDeviceCode(server.app);
    const browser = await signedIn();
    await browser.get('/device');
    const out = await browser.post('/device/sign-out', {});
    expect(out.statusCode).toBe(303);
    const page = await browser.get(`/device?user_code=${code.user_code}`);
    expect(page.body).toContain('action="/device/sign-in"');
    const decision = await browser.post('/device/decision', {
      user_code: code.user_code,
      decision: 'approve',
    });
    expect(decision.statusCode).toBe(303);
    expect((await pollToken(server.app, code.device_code)).json()).toEqual({
      error: 'authorization_pending',
    });
  });

  it('slows down repeated password guesses with 429 and Retry-After', async () => {
    const browser = new FormClient(server.app);
    await browser.get('/device');
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 12; attempt++) {
      const response = await browser.post('/device/sign-in', {
        email: 'alice@example.com',
        password: `guess-${attempt}`,
        user_code: '',
      });
      statuses.push(response.statusCode);
      if (response.statusCode === 429) expect(response.headers['retry-after']).toBeDefined();
    }
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });
});
