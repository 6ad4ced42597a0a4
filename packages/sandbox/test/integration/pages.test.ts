import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formAction } from '../support/browser.js';
import {
  authorizationRequest,
  CLIENT_SECRET,
  connect,
  exchangeCode,
  expectPage,
  Person,
  type RunningSandbox,
  startSandbox,
  whoami,
} from '../support/sandbox.js';

const HOSTILE_EMAIL = '"><script>alert(1)</script>@example.com';

function listedScopes(body: string): string[] {
  return [...body.matchAll(/<li><code>(.*?)<\/code><\/li>/g)].map((match) => match[1]!);
}

describe('the sandbox pages', () => {
  let running: RunningSandbox;
  beforeAll(async () => {
    running = await startSandbox();
  });
  afterAll(() => running.close());

  it('the sign-in page asks for an email with a Continue button, says SANDBOX and runs no script', async () => {
    const request = await authorizationRequest(running, 'chat:write');

    const page = expectPage(await new Person(running).open(request.url));

    expect(page.status).toBe(200);
    expect(page.body).toContain('SANDBOX');
    expect(page.body).toMatch(/<input[^>]*name="email"/);
    expect(page.body).toMatch(/<button[^>]*>Continue<\/button>/);
    expect(page.body).not.toContain('<script');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('the consent page names the client, says SANDBOX and lists each requested scope as requested', async () => {
    const scope = 'users:read https://www.googleapis.com/auth/calendar.readonly chat:write';
    const request = await authorizationRequest(running, scope);
    const person = new Person(running);
    const signIn = expectPage(await person.open(request.url));

    const consent = expectPage(await person.submit(signIn, { email: 'ada@example.com' }));

    expect(consent.body).toContain('SANDBOX');
    expect(consent.body).toContain('base44-broker');
    expect(listedScopes(consent.body)).toEqual(scope.split(' '));
    expect(consent.body).toMatch(/<button[^>]*value="allow"[^>]*>Allow<\/button>/);
    expect(consent.body).toMatch(/<button[^>]*value="deny"[^>]*>Deny<\/button>/);
  });

  it('escapes an email such as "><script> on the consent page, and keeps it as the account', async () => {
    const request = await authorizationRequest(running, 'chat:write');
    const person = new Person(running);
    const signIn = expectPage(await person.open(request.url));

    const consent = expectPage(await person.submit(signIn, { email: HOSTILE_EMAIL }));

    expect(consent.body).not.toContain('<script>');
    expect(consent.body).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@example.com');
    const tokens = await connect(running, 'chat:write', { email: HOSTILE_EMAIL });
    expect(await (await whoami(running, tokens.accessToken)).json()).toMatchObject({ email: HOSTILE_EMAIL });
  });

  it('escapes scopes with markup characters on the consent page and still grants them verbatim', async () => {
    const scope = 'files:<b>read</b>&write';
    const request = await authorizationRequest(running, scope);
    const person = new Person(running);
    const signIn = expectPage(await person.open(request.url));

    const consent = expectPage(await person.submit(signIn, { email: 'ada@example.com' }));

    expect(listedScopes(consent.body)).toEqual(['files:&lt;b&gt;read&lt;/b&gt;&amp;write']);
    expect((await connect(running, scope)).scope).toBe(scope);
  });

  it('shows the sign-in page again, escaped and with an explanation, for a value that is not an email', async () => {
    const request = await authorizationRequest(running, 'chat:write');
    const person = new Person(running);
    const signIn = expectPage(await person.open(request.url));

    const again = expectPage(await person.submit(signIn, { email: '"><script>' }));

    expect(again.status).toBe(400);
    expect(again.body).toContain('value="&quot;&gt;&lt;script&gt;"');
    expect(again.body).not.toContain('<script>');
    expect(again.body).toContain('Type an email address');
    expect(formAction(again)).toBe(formAction(signIn));
  });

  it('asks for the account and consent again on the next authorization in the same browser', async () => {
    const person = new Person(running);
    const first = await authorizationRequest(running, 'chat:write');
    const { callback } = await person.authorize(first, { email: 'first@example.com' });
    const firstTokens = await exchangeCode(running, first, callback, oauth.ClientSecretBasic(CLIENT_SECRET));

    const next = await authorizationRequest(running, 'users:read');
    const signIn = expectPage(await person.open(next.url));
    const consent = expectPage(await person.submit(signIn, { email: 'second@example.com' }));
    const done = await person.submit(consent, { decision: 'allow' });

    expect(signIn.body).toContain('name="email"');
    expect(consent.body).toContain('second@example.com');
    expect(listedScopes(consent.body)).toEqual(['users:read']);
    expect('redirectedTo' in done && new URL(done.redirectedTo).searchParams.has('code')).toBe(true);
    expect(await (await whoami(running, firstTokens.accessToken)).json()).toMatchObject({
      email: 'first@example.com',
    });
  });

  it('refuses a form posted without the browser that started the authorization', async () => {
    const request = await authorizationRequest(running, 'chat:write');
    const signIn = expectPage(await new Person(running).open(request.url));

    const stranger = new Person(running);
    const result = expectPage(await stranger.submit(signIn, { email: 'mallory@example.com' }));

    expect(result.status).toBe(400);
    expect(result.body).toContain('SANDBOX');
  });
});
