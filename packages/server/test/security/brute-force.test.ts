import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { User } from '../../src/accounts/users.js';
import { Lockouts, PASSWORD_LOCKOUT } from '../../src/auth/lockouts.js';
import { generateUserCode } from '../../src/auth/user-codes.js';
import { passwordGuessKey } from '../../src/web/password-sign-in.js';
import { aUser, aWebSession, PASSWORD } from '../support/accounts.js';
import { FormClient } from '../support/browserless.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { requestDeviceCode } from '../support/login.js';
import { createTestServer, type TestServer } from '../support/server.js';

const FIFTEEN_MINUTES = 15 * 60;

// Guessing passwords and device user codes: slowed per client address (429 with Retry-After), and
// locked out per account for fifteen minutes after ten wrong guesses, whatever addresses they come from.
describe.each(DATABASE_KINDS)('brute force on %s', (kind) => {
  let server: TestServer;
  let alice: User;
  let bob: User;
  let addresses = 0;
  /** A browser at an address of its own, so the per-address rate limit stays out of the way. */
  const browserElsewhere = () => new FormClient(server.app, `198.51.100.${++addresses}`);

  beforeEach(async () => {
    server = await createTestServer(kind);
    alice = await aUser(server.storage, 'alice@example.com');
    bob = await aUser(server.storage, 'bob@example.com');
  });
  afterEach(() => server.close());

  const FORMS = {
    dashboard: { page: '/dashboard/sign-in', post: '/dashboard/sign-in', fields: { app: '' } },
    device: { page: '/device', post: '/device/sign-in', fields: { user_code: '' } },
  };

  async function signIn(
    form: keyof typeof FORMS,
    email: string,
    password: string,
    browser = browserElsewhere(),
  ) {
    const { page, post, fields } = FORMS[form];
    await browser.get(page);
    return browser.post(post, { email, password, ...fields });
  }

  // Each password guess costs a scrypt hash (~100 ms): these run on SQLite only. The count behind
  // them is the one the user codes and the race below use, which run on both databases.
  describe.skipIf(kind === 'postgres')('passwords', () => {
    it('locks an account after ten wrong passwords from ten addresses, on both sign-in forms, until fifteen minutes pass', async () => {
      const wrong = [];
      for (let guess = 0; guess < 10; guess++) {
        wrong.push(
          (await signIn(guess % 2 ? 'device' : 'dashboard', 'alice@example.com', `guess-${guess}`))
            .statusCode,
        );
      }
      expect(wrong).toEqual(Array(10).fill(401));

      for (const form of ['dashboard', 'device'] as const) {
        const browser = browserElsewhere();
        const locked = await signIn(form, 'Alice@Example.com', PASSWORD, browser);
        expect(locked.statusCode, form).toBe(429);
        expect(Number(locked.headers['retry-after'])).toBeGreaterThan(FIFTEEN_MINUTES - 60);
        expect(locked.body).toContain('Too many sign-in attempts for this account. Try again in 15 minutes.');
        expect(browser.cookie('b44_session')).toBeUndefined();
      }
      expect((await signIn('dashboard', 'bob@example.com', PASSWORD)).statusCode).toBe(303);

      server.clock.advance(FIFTEEN_MINUTES);
      expect((await signIn('device', 'alice@example.com', PASSWORD)).statusCode).toBe(303);
    });

    it('starts the count again after the right password, so a person who mistypes now and then is never locked', async () => {
      // Wrong guesses counted straight into the lockout, sparing a password hash for each.
      const lockouts = new Lockouts(server.storage.db, server.clock.now);
      const wrongGuesses = async (count: number) => {
        for (let guess = 0; guess < count; guess++) {
          await lockouts.attempt(passwordGuessKey('alice@example.com'), PASSWORD_LOCKOUT);
        }
      };
      await wrongGuesses(9);
      expect((await signIn('dashboard', 'alice@example.com', PASSWORD)).statusCode).toBe(303);
      // Nine more wrong ones (eighteen in all), and the tenth guess since the right one still gets in.
      await wrongGuesses(8);
      expect((await signIn('device', 'alice@example.com', 'mistyped')).statusCode).toBe(401);
      expect((await signIn('dashboard', 'alice@example.com', PASSWORD)).statusCode).toBe(303);
    });

    it('locks an unknown email like a known one, so the lock does not tell which accounts exist', async () => {
      for (let guess = 0; guess < 10; guess++) await signIn('device', 'nobody@example.com', `guess-${guess}`);
      const locked = await signIn('device', 'nobody@example.com', PASSWORD);
      expect(locked.statusCode).toBe(429);
      expect(locked.body).toContain('Too many sign-in attempts for this account.');
    });
  });

  describe('device user codes', () => {
    async function signedInBrowser(user: User): Promise<FormClient> {
      const browser = browserElsewhere();
      browser.setCookie('b44_session', await aWebSession(server.storage, user, server.clock.now()));
      await browser.get('/device');
      return browser;
    }
    /** A well-formed code that is not `real`. */
    const wrongCode = (real: string) => {
      for (;;) {
        const code = generateUserCode();
        if (code !== real) return code;
      }
    };
    const lookUp = (browser: FormClient, code: string) => browser.get(`/device?user_code=${code}`);

    it('locks a signed-in account out of typing codes after ten wrong ones, even the right one, and no other account', async () => {
      const { user_code: real } = await requestDeviceCode(server.app);
      const wrong = [];
      for (let guess = 0; guess < 10; guess++) {
        wrong.push((await lookUp(await signedInBrowser(alice), wrongCode(real))).statusCode);
      }
      expect(wrong).toEqual(Array(10).fill(400));

      const browser = await signedInBrowser(alice);
      const locked = await lookUp(browser, real);
      expect(locked.statusCode).toBe(429);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(FIFTEEN_MINUTES - 60);
      expect(locked.body).toContain('Too many wrong codes from this account. Try again in 15 minutes.');
      const decision = await browser.post('/device/decision', { user_code: real, decision: 'approve' });
      expect(decision.statusCode).toBe(429);

      expect((await lookUp(await signedInBrowser(bob), real)).body).toContain('Approve the CLI login?');
      server.clock.advance(FIFTEEN_MINUTES);
      const { user_code: later } = await requestDeviceCode(server.app);
      expect((await lookUp(await signedInBrowser(alice), later)).body).toContain('Approve the CLI login?');
    });

    it('does not count a right code against the account', async () => {
      const { user_code: real } = await requestDeviceCode(server.app);
      const browser = await signedInBrowser(alice);
      const statuses = [];
      for (let look = 0; look < 12; look++) statuses.push((await lookUp(browser, real)).statusCode);
      expect(statuses).toEqual(Array(12).fill(200));
      const approved = await browser.post('/device/decision', { user_code: real, decision: 'approve' });
      expect(approved.statusCode).toBe(200);
    });

    it('rate limits one address trying codes: 429 with Retry-After after thirty a minute', async () => {
      const browser = await signedInBrowser(bob);
      let limited: Awaited<ReturnType<typeof lookUp>> | undefined;
      for (let look = 0; look < 31 && !limited; look++) {
        const response = await lookUp(browser, 'nonsense');
        if (response.statusCode === 429) limited = response;
      }
      expect(limited?.headers['retry-after']).toBeDefined();
    });
  });

  it('never lets more guesses through than the policy allows, however many race for one key', async () => {
    const lockouts = new Lockouts(server.storage.db, server.clock.now);
    const racing = await Promise.all(
      Array.from({ length: 25 }, () => lockouts.attempt('password:racer@example.com', PASSWORD_LOCKOUT)),
    );
    expect(racing.filter((attempt) => attempt.allowed)).toHaveLength(PASSWORD_LOCKOUT.maxFailures);
    expect((await lockouts.attempt('password:racer@example.com', PASSWORD_LOCKOUT)).allowed).toBe(false);
  });
});
